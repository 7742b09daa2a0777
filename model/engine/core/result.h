#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace strata {

// An error message that names the object and the cause. Engine functions return errors as
// values (CONVENTIONS.md): no exceptions cross the library boundary.
struct Error {
    QString message;
};

inline Error fail(QString message)
{
    return Error { std::move(message) };
}

// A value or an Error.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_value(std::move(value))
    {
    }
    Result(Error error)
        : m_error(std::move(error.message))
    {
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const QString &error() const { return m_error; }
    Error takeError() const { return Error { m_error }; }

private:
    std::optional<T> m_value;
    QString m_error;
};

// Success or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_failed(true)
        , m_error(std::move(error.message))
    {
    }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error; }
    Error takeError() const { return Error { m_error }; }

private:
    bool m_failed = false;
    QString m_error;
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
