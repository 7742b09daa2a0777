#pragma once

#include "result.h"

#include <QByteArray>

#include <vector>

#include <sys/types.h>

namespace strata {

// Who a container's program runs as, looked up as Docker does it: `user` ("name", "uid",
// "name:group", "uid:gid") in the container's own /etc/passwd and /etc/group (read from the
// current root: call it inside the container, after pivot_root), a uid the image does not know
// getting group 0, and the supplementary groups that list the user's name.
struct ContainerUser {
    uid_t uid = 0;
    gid_t gid = 0;
    QByteArray home = "/root";
    QByteArray name; // for supplementary groups from /etc/group
    std::vector<gid_t> groups;

    static Result<ContainerUser> resolve(const QByteArray &user);
};

} // namespace strata
