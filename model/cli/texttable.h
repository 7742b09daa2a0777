#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

// Left-aligned columns separated by three spaces, as the docker CLI's tabwriter prints them.
class TextTable {
public:
    explicit TextTable(QStringList header)
        : m_rows { std::move(header) }
    {
    }
    void add(QStringList row) { m_rows.append(std::move(row)); }
    QString render() const;

private:
    QList<QStringList> m_rows;
};

} // namespace strata
