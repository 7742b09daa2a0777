#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>
#include <utility>

namespace strata {

// What kind of failure an Error is, for a caller that branches on it (the window offers
// "remove the container first" for InUse, says nothing for Cancelled, ...).
enum class ErrorCode {
    Failed, // anything not listed below
    NotFound, // no such image, container, volume, file
    InUse, // a container, image or volume something else still needs
    Conflict, // exists already, or changed meanwhile (a name taken, a store busy)
    InvalidInput, // refused input: a bad reference, a hostile archive, a malformed config
    Io, // the operating system failed a read, write or other call
    Cancelled, // the caller asked the work to stop
};

// An error message that names the object and the cause, with its kind. Engine functions
// return errors as values (CONVENTIONS.md): no exceptions cross the library boundary.
struct Error {
    ErrorCode code = ErrorCode::Failed;
    QString message;
};

inline Error fail(QString message)
{
    return Error { ErrorCode::Failed, std::move(message) };
}

inline Error fail(ErrorCode code, QString message)
{
    return Error { code, std::move(message) };
}

// The same message with context in front ("image busybox: " + cause), keeping the code.
inline Error fail(const Error &cause, const QString &prefix)
{
    return Error { cause.code, prefix + cause.message };
}

namespace detail {
    [[noreturn]] inline void valueOfError(const QString &message)
    {
        // A programming error, not bad input: reading the value of a failed Result.
        qFatal("strata: Result::value() called on an error: %s", qUtf8Printable(message));
    }
}

// A value or an Error. value() on an error aborts, in release builds too.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_value(std::move(value))
    {
    }
    Result(Error error)
        : m_error(std::move(error))
    {
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const &
    {
        check();
        return *m_value;
    }
    T &value() &
    {
        check();
        return *m_value;
    }
    T &&value() &&
    {
        check();
        return std::move(*m_value);
    }
    const T *operator->() const
    {
        check();
        return &*m_value;
    }
    T *operator->()
    {
        check();
        return &*m_value;
    }
    const QString &error() const { return m_error.message; }
    ErrorCode code() const { return m_error.code; }
    Error takeError() const { return m_error; }

private:
    void check() const
    {
        if (!m_value.has_value()) [[unlikely]]
            detail::valueOfError(m_error.message);
    }

    std::optional<T> m_value;
    Error m_error;
};

// Success or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_failed(true)
        , m_error(std::move(error))
    {
    }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error.message; }
    ErrorCode code() const { return m_error.code; }
    Error takeError() const { return m_error; }

private:
    bool m_failed = false;
    Error m_error;
};

using Status = Result<void>;

} // namespace strata

// Propagates the error of an expression yielding a Result, or declares `var` with its value.
#define STRATA_TRY(expr)                                                                                               \
    do {                                                                                                               \
        auto strataTryResult_ = (expr);                                                                                \
        if (!strataTryResult_)                                                                                         \
            return strataTryResult_.takeError();                                                                       \
    } while (false)
