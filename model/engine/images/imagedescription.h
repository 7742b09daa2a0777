#pragma once

#include "imagetypes.h"

#include <QJsonObject>
#include <QList>

namespace strata {

class Store;

// Docker's views of an image: `history` rows (with empty_layer entries, which the lesson
// counts) and the `inspect` JSON (with GraphDriver from the store's driver).
class ImageDescription {
public:
    explicit ImageDescription(Store &store);

    static QList<HistoryRow> history(const Image &image);
    // The instruction that made each layer (base first): the n-th entry of the history that is
    // not an empty_layer made the n-th layer. Empty where the history is shorter.
    static QStringList layerInstructions(const Image &image);
    // The same from history rows already read (`layers`: how many the image has).
    static QStringList layerInstructions(const QList<HistoryRow> &history, qsizetype layers);
    QJsonObject inspect(const Image &image) const;
    // `docker image inspect`'s fields of any image (Strata's own or a foreign store's), with
    // `driver` and its GraphDriver data.
    static QJsonObject dockerInspect(const Image &image, const QString &driver, const QJsonObject &graphData);

private:
    Store &m_store;
};

} // namespace strata
