#include "foreignroot.h"

#include "dockerroot.h"
#include "podmanroot.h"

namespace strata {

QStringList ForeignRoot::kinds()
{
    return { QStringLiteral("docker"), QStringLiteral("podman") };
}

QString ForeignRoot::detect(const QString &root)
{
    if (DockerRoot::looksLikeDockerRoot(root))
        return QStringLiteral("docker");
    if (PodmanRoot::looksLikeStorageRoot(root))
        return QStringLiteral("podman");
    return {};
}

QString ForeignRoot::defaultRoot(const QString &kind)
{
    if (kind == QLatin1String("docker"))
        return QStringLiteral("/var/lib/docker");
    if (kind == QLatin1String("podman"))
        return PodmanRoot::defaultRoot();
    return {};
}

Result<ForeignSnapshot> ForeignRoot::read(const QString &kind, const QString &root)
{
    const QString k = kind.isEmpty() ? detect(root) : kind;
    if (k == QLatin1String("docker"))
        return DockerRoot::read(root);
    if (k == QLatin1String("podman"))
        return PodmanRoot::read(root);
    if (k.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a data root of a peer Strata reads (%2)").arg(root, kinds().join(QStringLiteral(", "))));
    return fail(ErrorCode::InvalidInput, QStringLiteral("unknown foreign store '%1' (Strata reads %2)").arg(k, kinds().join(QStringLiteral(", "))));
}

QJsonObject ForeignRoot::inspect(const ForeignSnapshot &snapshot, const Image &image)
{
    if (snapshot.kind == QLatin1String("podman"))
        return PodmanRoot::inspect(snapshot, image);
    return DockerRoot::inspect(snapshot, image);
}

} // namespace strata
