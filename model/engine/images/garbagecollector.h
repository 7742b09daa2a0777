#pragma once

#include "imagetypes.h"
#include "result.h"

#include <QLatin1String>
#include <QList>
#include <QStringList>

namespace strata {

class Staging;
class Store;

// What the image index references, and the removal of what it does not: layer snapshots and
// blobs no image needs. An image that cannot be read might use anything, so then nothing is
// collected (Unreadable::Refuse); check, which reports the image itself, may skip it.
class GarbageCollector {
public:
    explicit GarbageCollector(Store &store);

    enum class Unreadable { Refuse, Skip };
    Result<References> references(Unreadable unreadable = Unreadable::Refuse) const;
    Result<References> references(const QList<IndexEntry> &entries, Unreadable unreadable) const;
    // Moves the layers `refs` does not name into `trash` and deletes the blobs it does not
    // name; call with the store lock held, with what references() gives for the index as it
    // is now (the callers have just computed it). Appends "Deleted:" lines.
    Status collect(Staging &trash, const References &refs, QStringList *lines);

    // The file in a job's staging that says a collection is due: an rmi writes it before it
    // changes the index, so one killed in between is finished by the next open.
    static constexpr QLatin1String dueMark { "collect-garbage" };

private:
    Store &m_store;
};

} // namespace strata
