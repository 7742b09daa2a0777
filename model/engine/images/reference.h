#pragma once

#include "result.h"

#include <QString>

namespace strata {

// An image reference, name[:tag], read by the grammar of github.com/distribution/reference
// (reference.go and regexp.go) with the checks Docker adds when it reads a name a user typed
// (ParseNormalizedNamed in normalize.go): a domain is a host name, IPv4 or bracketed IPv6
// address with an optional port; path components are lowercase; the repository path, as
// Docker Hub names are filled in ("busybox" is "library/busybox"), is at most 255
// characters; a name cannot be an image ID (64 hexadecimal digits). The whole text must
// match: nothing before, nothing after, not even a newline. References by digest are
// grammatical but refused, since the store keeps names with tags.
class Reference {
public:
    static Result<Reference> parse(const QString &text);

    QString name() const { return m_name; } // [domain/]path, as written
    QString tag() const { return m_tag; } // empty when none was given
    // name:tag, with the tag "latest" when none was given: the form the store keeps.
    QString normalized() const;

private:
    QString m_name;
    QString m_tag;
};

} // namespace strata
