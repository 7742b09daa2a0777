#include "storewatcher.h"

#include "fsutil.h"
#include "store.h"

#include <QFile>
#include <QSocketNotifier>

#include <cerrno>
#include <sys/inotify.h>
#include <unistd.h>

namespace strata {

namespace {
    constexpr int coalesceMs = 20;
    constexpr int pollMs = 1000;
}

StoreWatcher::StoreWatcher(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_coalesce(new QTimer(this))
    , m_poll(new QTimer(this))
{
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(coalesceMs);
    connect(m_coalesce, &QTimer::timeout, this, &StoreWatcher::compare);
    m_poll->setInterval(pollMs);
    connect(m_poll, &QTimer::timeout, this, &StoreWatcher::compare);
}

StoreWatcher::~StoreWatcher()
{
    if (m_fd >= 0)
        close(m_fd);
}

quint64 StoreWatcher::counter(ChangeScope scope) const
{
    return m_seen[size_t(scope)];
}

Status StoreWatcher::start()
{
    for (ChangeScope s : { ChangeScope::Any, ChangeScope::Images, ChangeScope::Containers, ChangeScope::Volumes })
        m_seen[size_t(s)] = m_store.lock().changeCounter(s);
    m_poll->start();
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return {}; // polling alone: changes still show, within a second
    const QByteArray lockPath = QFile::encodeName(m_store.root() + QStringLiteral("/store.lock"));
    if (inotify_add_watch(m_fd, lockPath.constData(), IN_MODIFY) < 0) {
        close(m_fd);
        m_fd = -1;
        return {};
    }
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StoreWatcher::fileEvent);
    return {};
}

void StoreWatcher::fileEvent()
{
    alignas(inotify_event) char buf[4096];
    while (read(m_fd, buf, sizeof buf) > 0) {
    }
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

void StoreWatcher::compare()
{
    const quint64 any = m_store.lock().changeCounter(ChangeScope::Any);
    if (any == m_seen[size_t(ChangeScope::Any)])
        return;
    m_seen[size_t(ChangeScope::Any)] = any;
    struct Part {
        ChangeScope scope;
        void (StoreWatcher::*signal)();
    };
    for (const Part &p : { Part { ChangeScope::Images, &StoreWatcher::imagesChanged }, Part { ChangeScope::Containers, &StoreWatcher::containersChanged },
             Part { ChangeScope::Volumes, &StoreWatcher::volumesChanged } }) {
        const quint64 now = m_store.lock().changeCounter(p.scope);
        if (now != m_seen[size_t(p.scope)]) {
            m_seen[size_t(p.scope)] = now;
            Q_EMIT(this->*p.signal)();
        }
    }
    Q_EMIT changed();
}

} // namespace strata
