#pragma once

#include <QString>
#include <QStringList>

namespace strata::test {

// A btrfs filesystem of its own for a suite: a sparse image file, mkfs.btrfs, a loop device
// and a mount, all undone by unmount() or the destructor (unmount, detach the loop device,
// delete the image). Needs root, btrfs-progs and a free loop device; mount() says which is
// missing instead.
class BtrfsLoop {
public:
    BtrfsLoop() = default;
    ~BtrfsLoop();
    BtrfsLoop(const BtrfsLoop &) = delete;
    BtrfsLoop &operator=(const BtrfsLoop &) = delete;

    // Mounts a new filesystem of `sizeMb` on `mountPoint` (created when missing), with mount
    // options `options` ("user_subvol_rm_allowed", ...). The image lies beside the mount point.
    bool mount(const QString &mountPoint, QString *why, const QStringList &options = {}, int sizeMb = 1024);
    void unmount();
    bool isMounted() const { return !m_device.isEmpty(); }
    QString mountPoint() const { return m_mountPoint; }
    // Why mount() failed, for a QSKIP.
    QString whyNot() const { return m_why; }

private:
    QString m_mountPoint;
    QString m_image;
    QString m_device;
    QString m_why;
};

} // namespace strata::test
