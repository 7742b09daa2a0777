#pragma once

#include "containertypes.h"

#include <QJsonObject>

namespace strata {

class Store;

// Docker's `container inspect` view of a container: state, config, mounts, GraphDriver (from
// the store's driver) and the writable layer's size.
class ContainerDescription {
public:
    explicit ContainerDescription(Store &store);
    QJsonObject inspect(const Container &container) const;

private:
    Store &m_store;
};

} // namespace strata
