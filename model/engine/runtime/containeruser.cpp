#include "containeruser.h"

#include <cstdio>
#include <grp.h>
#include <pwd.h>

namespace strata {

Result<ContainerUser> ContainerUser::resolve(const QByteArray &user)
{
    ContainerUser id;
    if (user.isEmpty())
        return id;
    const qsizetype colon = user.indexOf(':');
    const QByteArray userPart = colon < 0 ? user : user.left(colon);
    const QByteArray groupPart = colon < 0 ? QByteArray() : user.mid(colon + 1);
    bool numeric = false;
    const uint uidValue = userPart.toUInt(&numeric);
    bool found = false;
    if (FILE *f = std::fopen("/etc/passwd", "re")) {
        while (passwd *pw = fgetpwent(f)) {
            if ((numeric && pw->pw_uid == uidValue) || (!numeric && userPart == pw->pw_name)) {
                id.uid = pw->pw_uid;
                id.gid = pw->pw_gid;
                id.home = pw->pw_dir;
                id.name = pw->pw_name;
                found = true;
                break;
            }
        }
        std::fclose(f);
    }
    if (!found) {
        if (!numeric)
            return fail(ErrorCode::NotFound, QStringLiteral("unable to find user %1: no matching entries in the container's /etc/passwd").arg(QString::fromUtf8(userPart)));
        id.uid = uidValue;
        id.gid = 0; // as Docker: a uid the image does not know gets group 0
        id.home = "/";
    }
    if (!groupPart.isEmpty()) {
        bool gnum = false;
        const uint gidValue = groupPart.toUInt(&gnum);
        if (gnum) {
            id.gid = gidValue;
        } else {
            bool gfound = false;
            if (FILE *f = std::fopen("/etc/group", "re")) {
                while (group *gr = fgetgrent(f)) {
                    if (groupPart == gr->gr_name) {
                        id.gid = gr->gr_gid;
                        gfound = true;
                        break;
                    }
                }
                std::fclose(f);
            }
            if (!gfound)
                return fail(ErrorCode::NotFound, QStringLiteral("unable to find group %1: no matching entries in the container's /etc/group").arg(QString::fromUtf8(groupPart)));
        }
    }
    if (!id.name.isEmpty()) {
        if (FILE *f = std::fopen("/etc/group", "re")) {
            while (group *gr = fgetgrent(f)) {
                for (char **m = gr->gr_mem; m && *m; ++m) {
                    if (id.name == *m && gr->gr_gid != id.gid)
                        id.groups.push_back(gr->gr_gid);
                }
            }
            std::fclose(f);
        }
    }
    return id;
}

} // namespace strata
