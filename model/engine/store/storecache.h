#pragma once

#include "containertypes.h"
#include "imagetypes.h"

#include <QList>
#include <QStringList>

#include <mutex>
#include <optional>

namespace strata {

// A value read from the store, kept while the store's change counter of its scope stays the
// same (StoreLock::changeCounter), so a window refreshing 300 images does not re-read and
// re-hash every manifest and config each time. Shared by the threads using one Store.
template <typename T>
class CachedByCounter {
public:
    std::optional<T> get(quint64 counter) const
    {
        std::lock_guard guard(m_mutex);
        if (m_valid && m_counter == counter)
            return m_value;
        return std::nullopt;
    }
    // `counter` as read before the value was: a change meanwhile makes the next get() miss.
    void put(quint64 counter, const T &value)
    {
        std::lock_guard guard(m_mutex);
        m_valid = true;
        m_counter = counter;
        m_value = value;
    }

private:
    mutable std::mutex m_mutex;
    bool m_valid = false;
    quint64 m_counter = 0;
    T m_value {};
};

struct ImageListing {
    QList<Image> images; // verified: each manifest and config matched its digest when read
    QStringList problems; // images that could not be read
};

struct ContainerListing {
    QList<ContainerConfig> configs;
    QStringList problems; // containers whose config cannot be read
};

// The caches of one opened store.
struct StoreCache {
    CachedByCounter<ImageListing> images;
    CachedByCounter<ContainerListing> containers;
};

} // namespace strata
