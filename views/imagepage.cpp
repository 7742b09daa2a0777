#include "imagepage.h"

#include <QLabel>

#include "formhelpers.h"
#include "sizetext.h"
#include "historymodel.h"
#include "layercontents.h"
#include "storesession.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>
#include <QtConcurrent/QtConcurrentRun>

namespace strata {

namespace {

    QString joinedStrings(const QJsonValue &v, const QString &sep)
    {
        QStringList out;
        for (const QJsonValue &e : v.toArray())
            out.append(e.toString());
        return out.join(sep);
    }

    QString keysOf(const QJsonValue &v)
    {
        return v.toObject().keys().join(QStringLiteral(", "));
    }

    struct Efficiency {
        bool ok = false;
        EfficiencyReport report;
        QString error;
    };
}

ImagePage::ImagePage(StoreSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    QVBoxLayout *layout = form::page(this, m_title, m_subtitle);
    QFormLayout *f = form::layout();
    m_tags = form::addRow(f, tr("Tags"));
    m_fullId = form::addDigestRow(f, tr("ID"));
    m_created = form::addRow(f, tr("Created"));
    m_platform = form::addRow(f, tr("Platform"));
    m_size = form::addRow(f, tr("Size"));
    m_efficiency = form::addRow(f, tr("Efficiency"));
    m_containers = form::addRow(f, tr("Containers"));
    m_entrypoint = form::addRow(f, tr("Entrypoint"));
    m_cmd = form::addRow(f, tr("Command"));
    m_env = form::addRow(f, tr("Environment"));
    m_workdir = form::addRow(f, tr("Working dir"));
    m_user = form::addRow(f, tr("User"));
    m_ports = form::addRow(f, tr("Ports"));
    m_volumes = form::addRow(f, tr("Volumes"));
    m_labels = form::addRow(f, tr("Labels"));
    layout->addLayout(f);
    layout->addSpacing(6);
    layout->addWidget(form::heading(tr("History (oldest first; entries without a layer change only the configuration)"), this));
    m_historyModel = new HistoryModel(this);
    m_history = new QTableView(this);
    m_history->setModel(m_historyModel);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->verticalHeader()->hide();
    m_history->setWordWrap(false);
    m_history->setAlternatingRowColors(true);
    m_history->horizontalHeader()->setSectionResizeMode(HistoryModel::InstructionColumn, QHeaderView::Stretch);
    m_history->horizontalHeader()->setSectionResizeMode(HistoryModel::IndexColumn, QHeaderView::ResizeToContents);
    m_history->horizontalHeader()->setSectionResizeMode(HistoryModel::SizeColumn, QHeaderView::ResizeToContents);
    m_history->horizontalHeader()->setSectionResizeMode(HistoryModel::CreatedColumn, QHeaderView::ResizeToContents);
    m_history->setAccessibleName(tr("Image history"));
    layout->addWidget(m_history, 1);
    connect(m_history, &QTableView::activated, this, [this](const QModelIndex &index) {
        auto chain = Digest::parse(index.data(HistoryModel::ChainIdRole).toString());
        if (chain && !chain->isNull())
            Q_EMIT layerActivated(chain.value(), m_id);
    });
}

QString ImagePage::historyText() const
{
    QStringList lines;
    for (int r = 0; r < m_historyModel->rowCount(); ++r)
        lines.append(m_historyModel->index(r, HistoryModel::InstructionColumn).data().toString());
    return lines.join(u'\n');
}

void ImagePage::showImage(const Digest &id)
{
    const bool same = id == m_id;
    m_id = id;
    const StoreSnapshot::ImageEntry *e = m_session->snapshot().image(id);
    if (!e)
        return;
    const Image &image = e->image;
    m_title->setText(image.displayName());
    m_subtitle->setText(tr("Image · %n layer(s) · %1", nullptr, int(image.layers.size())).arg(sizeText(e->size)));
    form::set(m_tags, image.tags.join(QStringLiteral(", ")));
    form::set(m_fullId, image.id.toString());
    form::set(m_created, image.created.isValid() ? QLocale().toString(image.created.toLocalTime(), QLocale::LongFormat) : QString());
    const QString os = image.config.value(QLatin1String("os")).toString();
    const QString arch = image.config.value(QLatin1String("architecture")).toString();
    form::set(m_platform, os.isEmpty() && arch.isEmpty() ? QString() : os + u'/' + arch);
    form::set(m_size, tr("%1 in all · %2 shared with other images · %3 unique").arg(sizeText(e->size), sizeText(e->shared), sizeText(e->unique)));
    form::set(m_containers, e->containers.join(QStringLiteral(", ")));
    const QJsonObject config = image.config.value(QLatin1String("config")).toObject();
    form::set(m_entrypoint, joinedStrings(config.value(QLatin1String("Entrypoint")), QStringLiteral(" ")));
    form::set(m_cmd, joinedStrings(config.value(QLatin1String("Cmd")), QStringLiteral(" ")));
    form::set(m_env, joinedStrings(config.value(QLatin1String("Env")), QStringLiteral("\n")));
    form::set(m_workdir, config.value(QLatin1String("WorkingDir")).toString());
    form::set(m_user, config.value(QLatin1String("User")).toString());
    form::set(m_ports, keysOf(config.value(QLatin1String("ExposedPorts"))));
    form::set(m_volumes, keysOf(config.value(QLatin1String("Volumes"))));
    QStringList labels;
    const QJsonObject l = config.value(QLatin1String("Labels")).toObject();
    for (auto it = l.begin(); it != l.end(); ++it)
        labels.append(it.key() + u'=' + it.value().toString());
    form::set(m_labels, labels.join(u'\n'));
    m_historyModel->setHistory(e->history);
    if (!same)
        computeEfficiency();
}

QString ImagePage::efficiencyText() const
{
    return m_efficiency->text();
}

void ImagePage::computeEfficiency()
{
    const StoreSnapshot::ImageEntry *e = m_session->snapshot().image(m_id);
    const std::optional<LayerContents> contents = m_session->layerContents();
    if (!e || !contents)
        return;
    const quint64 generation = ++m_generation;
    m_efficiency->setText(tr("computing…"));
    const Image image = e->image;
    QtConcurrent::run(m_session->lookups(), [contents = *contents, image] {
        Efficiency out;
        auto r = contents.efficiency(image);
        out.ok = r.ok();
        if (r)
            out.report = r.value();
        else
            out.error = r.error();
        return out;
    }).then(this, [this, generation](const Efficiency &out) {
        if (generation != m_generation)
            return;
        if (!out.ok) {
            form::set(m_efficiency, tr("cannot compute: %1").arg(out.error));
            return;
        }
        const EfficiencyReport &r = out.report;
        QString text = tr("%1 %  ·  %2 wasted (%3 % of the %4 the layers above the base add)")
                           .arg(QLocale().toString(std::floor(r.score * 10000.0) / 100.0, 'f', 2), sizeText(r.wastedBytes), QLocale().toString(r.wastedUserPercent(), 'f', 1), sizeText(r.userSizeBytes));
        if (!r.inefficiencies.isEmpty())
            text += u'\n' + tr("most wasted: %1 (%2, %n version(s))", nullptr, r.inefficiencies.first().occurrences)
                                .arg(QString::fromUtf8(r.inefficiencies.first().path), sizeText(r.inefficiencies.first().totalBytes));
        form::set(m_efficiency, text);
    });
}

} // namespace strata
