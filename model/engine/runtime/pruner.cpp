#include "pruner.h"

#include "containerruntime.h"
#include "containerstore.h"
#include "imagestore.h"
#include "store.h"

namespace strata {

Pruner::Pruner(Store &store)
    : m_store(store)
{
}

Result<QStringList> Pruner::pruneContainers()
{
    ContainerStore containers(m_store);
    auto listed = containers.list();
    if (!listed)
        return listed.takeError();
    ContainerRuntime runtime(m_store);
    QStringList removed;
    for (const Container &c : std::as_const(listed.value())) {
        if (c.state.running())
            continue; // remove() would refuse it too, were it started since the listing
        Status s = runtime.remove(c, false, false);
        if (!s) {
            if (s.code() == ErrorCode::InUse || s.code() == ErrorCode::NotFound)
                continue; // started or removed meanwhile by someone else
            return s.takeError();
        }
        removed.append(QStringLiteral("Deleted Containers: %1 (%2)").arg(c.config.id, c.config.name));
    }
    return removed;
}

Result<QStringList> Pruner::pruneImages()
{
    ImageStore images(m_store);
    ContainerStore containers(m_store);
    auto listed = images.list();
    if (!listed)
        return listed.takeError();
    auto users = containers.imageUsers();
    if (!users)
        return fail(users.takeError(), QStringLiteral("image prune: "));
    QStringList lines;
    for (const Image &image : std::as_const(listed.value())) {
        if (!image.tags.isEmpty() || users->contains(image.id))
            continue;
        auto removed = images.remove(image.id.toString(), false, [&containers] { return containers.imageUsers(); });
        if (!removed) {
            if (removed.code() == ErrorCode::NotFound || removed.code() == ErrorCode::InUse)
                continue;
            return removed.takeError();
        }
        lines += removed.value();
    }
    return lines;
}

} // namespace strata
