#pragma once

#include "result.h"

#include <QString>

namespace strata::fs {

// btrfs subvolumes through the kernel's ioctls (linux/btrfs.h), for the btrfs driver and for
// the removal of trees: a subvolume is a directory of its own copy-on-write tree, made empty
// or as an O(1) snapshot of another one.

// The inode number of every subvolume's root directory (BTRFS_FIRST_FREE_OBJECTID).
constexpr unsigned long subvolumeRootInode = 256;

// Whether `path` (a directory) is on a btrfs filesystem.
bool onBtrfs(const QString &path);
// Whether the directory `name` in `parentFd` is the root of a btrfs subvolume (inode 256 on a
// btrfs filesystem).
bool isSubvolumeAt(int parentFd, const char *name);
bool isSubvolume(const QString &path);
// Creates the empty subvolume `path`; its parent directory must exist.
Status createSubvolume(const QString &path);
// Makes `path` a writable snapshot of the subvolume `source` (both on one filesystem).
Status snapshotSubvolume(const QString &source, const QString &path);
// Deletes the subvolume `name` of `parentFd` with BTRFS_IOC_SNAP_DESTROY, its contents
// included: one call however big the tree. Fails with the kernel's errno in the message when
// it refuses: EPERM for an unprivileged user without the user_subvol_rm_allowed mount option,
// ENOTEMPTY when a subvolume lies inside it (the caller then empties it and calls rmdir, which
// removes an empty subvolume on Linux 4.18 and later for anyone who may remove the directory).
// `err`, when given, receives the errno.
Status destroySubvolumeAt(int parentFd, const char *name, int *err = nullptr);

} // namespace strata::fs
