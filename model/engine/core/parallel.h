#pragma once

#include <QString>

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace strata {

// Runs work(i) for every i in [0, count), each once, on up to one thread per core (the caller's
// among them; `maxThreads`, when given, instead: transfers wait on the network, not the CPU), and
// returns when all are done. Returns why a thread could not start (the ones
// started finish the work they took; the rest is not done), else an empty string. The loader
// and the copy from a peer's store extract independent layers side by side with it.
template <typename Work>
QString runInParallel(qsizetype count, Work &&work, int maxThreads = 0)
{
    std::atomic<qsizetype> next = 0;
    auto worker = [&] {
        for (qsizetype i; (i = next++) < count;)
            work(i);
    };
    const qsizetype wanted = maxThreads > 0 ? maxThreads : qsizetype(std::max(1u, std::thread::hardware_concurrency()));
    const int extra = int(std::min<qsizetype>(count, wanted)) - 1;
    std::vector<std::thread> threads;
    QString startFailure;
    for (int t = 0; t < extra; ++t) {
        // std::thread reports a thread it cannot start by throwing; a throw past the threads
        // already started would end in std::terminate.
        try {
            threads.emplace_back(worker);
        } catch (const std::system_error &e) {
            startFailure = QString::fromLocal8Bit(e.what());
            next = count; // no more work handed out: the started ones finish theirs
            break;
        }
    }
    if (startFailure.isEmpty())
        worker();
    for (std::thread &t : threads)
        t.join();
    return startFailure;
}

} // namespace strata
