// libarchive, opened when first needed instead of linked. Every process of Strata would load
// it and its own libraries (nettle, acl, lzma, lz4, bz2, xml2) at start-up, 0.6 ms of it, when
// most commands (`run`, `ps`, `rm`, `exec`, ...) never read a tar: each function the engine
// calls is defined here and forwards to libarchive's, looked up at its first call. A function
// the engine starts to call goes in the list below (until it does, the link fails).
#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

namespace {

// libarchive 3's soname, the one its headers describe.
constexpr const char *libraryName = "libarchive.so.13";

void *symbol(const char *name)
{
    static void *const library = [] {
        void *l = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL);
        if (!l) {
            std::fprintf(stderr, "strata: cannot load %s, which reads and writes tars: %s\n", libraryName, dlerror());
            std::abort();
        }
        return l;
    }();
    void *f = dlsym(library, name);
    if (!f) {
        std::fprintf(stderr, "strata: %s has no %s: %s\n", libraryName, name, dlerror());
        std::abort();
    }
    return f;
}

} // namespace

// The header declares each function; the definition must match it, or the build fails.
#define STRATA_LAZY(ret, name, params, args)                                                              \
    ret name params                                                                                        \
    {                                                                                                      \
        static const auto real = reinterpret_cast<decltype(&name)>(symbol(#name));                        \
        return real args;                                                                                  \
    }

extern "C" {
STRATA_LAZY(time_t, archive_entry_atime, (struct archive_entry *a0), (a0))
STRATA_LAZY(int, archive_entry_atime_is_set, (struct archive_entry *a0), (a0))
STRATA_LAZY(long, archive_entry_atime_nsec, (struct archive_entry *a0), (a0))
STRATA_LAZY(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *a0), (a0))
STRATA_LAZY(void, archive_entry_free, (struct archive_entry *a0), (a0))
STRATA_LAZY(la_int64_t, archive_entry_gid, (struct archive_entry *a0), (a0))
STRATA_LAZY(const char *, archive_entry_hardlink, (struct archive_entry *a0), (a0))
STRATA_LAZY(time_t, archive_entry_mtime, (struct archive_entry *a0), (a0))
STRATA_LAZY(long, archive_entry_mtime_nsec, (struct archive_entry *a0), (a0))
STRATA_LAZY(struct archive_entry *, archive_entry_new, (), ())
STRATA_LAZY(const char *, archive_entry_pathname, (struct archive_entry *a0), (a0))
STRATA_LAZY(__LA_MODE_T, archive_entry_perm, (struct archive_entry *a0), (a0))
STRATA_LAZY(dev_t, archive_entry_rdevmajor, (struct archive_entry *a0), (a0))
STRATA_LAZY(dev_t, archive_entry_rdevminor, (struct archive_entry *a0), (a0))
STRATA_LAZY(void, archive_entry_set_filetype, (struct archive_entry *a0, unsigned int a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_gid, (struct archive_entry *a0, la_int64_t a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_hardlink, (struct archive_entry *a0, const char *a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_mode, (struct archive_entry *a0, __LA_MODE_T a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_mtime, (struct archive_entry *a0, time_t a1, long a2), (a0, a1, a2))
STRATA_LAZY(void, archive_entry_set_pathname, (struct archive_entry *a0, const char *a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_perm, (struct archive_entry *a0, __LA_MODE_T a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_rdev, (struct archive_entry *a0, dev_t a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_size, (struct archive_entry *a0, la_int64_t a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_symlink, (struct archive_entry *a0, const char *a1), (a0, a1))
STRATA_LAZY(void, archive_entry_set_uid, (struct archive_entry *a0, la_int64_t a1), (a0, a1))
STRATA_LAZY(la_int64_t, archive_entry_size, (struct archive_entry *a0), (a0))
STRATA_LAZY(int, archive_entry_size_is_set, (struct archive_entry *a0), (a0))
STRATA_LAZY(int, archive_entry_sparse_count, (struct archive_entry *a0), (a0))
STRATA_LAZY(const char *, archive_entry_symlink, (struct archive_entry *a0), (a0))
STRATA_LAZY(la_int64_t, archive_entry_uid, (struct archive_entry *a0), (a0))
STRATA_LAZY(void, archive_entry_xattr_add_entry, (struct archive_entry *a0, const char *a1, const void *a2, size_t a3), (a0, a1, a2, a3))
STRATA_LAZY(int, archive_entry_xattr_count, (struct archive_entry *a0), (a0))
STRATA_LAZY(int, archive_entry_xattr_next, (struct archive_entry *a0, const char **a1, const void **a2, size_t *a3), (a0, a1, a2, a3))
STRATA_LAZY(int, archive_entry_xattr_reset, (struct archive_entry *a0), (a0))
STRATA_LAZY(int, archive_errno, (struct archive *a0), (a0))
STRATA_LAZY(const char *, archive_error_string, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_filter_code, (struct archive *a0, int a1), (a0, a1))
STRATA_LAZY(la_int64_t, archive_filter_bytes, (struct archive *a0, int a1), (a0, a1))
STRATA_LAZY(la_ssize_t, archive_read_data, (struct archive *a0, void *a1, size_t a2), (a0, a1, a2))
STRATA_LAZY(int, archive_read_data_block, (struct archive *a0, const void **a1, size_t *a2, la_int64_t *a3), (a0, a1, a2, a3))
STRATA_LAZY(int, archive_read_data_into_fd, (struct archive *a0, int a1), (a0, a1))
STRATA_LAZY(int, archive_read_data_skip, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_free, (struct archive *a0), (a0))
STRATA_LAZY(struct archive *, archive_read_new, (), ())
STRATA_LAZY(int, archive_read_next_header, (struct archive *a0, struct archive_entry **a1), (a0, a1))
STRATA_LAZY(int, archive_read_open, (struct archive *a0, void *a1, archive_open_callback *a2, archive_read_callback *a3, archive_close_callback *a4), (a0, a1, a2, a3, a4))
STRATA_LAZY(int, archive_read_open_fd, (struct archive *a0, int a1, size_t a2), (a0, a1, a2))
STRATA_LAZY(int, archive_read_open_filename, (struct archive *a0, const char *a1, size_t a2), (a0, a1, a2))
STRATA_LAZY(int, archive_read_open_memory, (struct archive *a0, const void *a1, size_t a2), (a0, a1, a2))
STRATA_LAZY(int, archive_read_support_filter_all, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_filter_bzip2, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_filter_gzip, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_filter_lzma, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_filter_xz, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_filter_zstd, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_format_empty, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_format_gnutar, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_format_raw, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_read_support_format_tar, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_write_close, (struct archive *a0), (a0))
STRATA_LAZY(la_ssize_t, archive_write_data, (struct archive *a0, const void *a1, size_t a2), (a0, a1, a2))
STRATA_LAZY(int, archive_write_free, (struct archive *a0), (a0))
STRATA_LAZY(int, archive_write_header, (struct archive *a0, struct archive_entry *a1), (a0, a1))
STRATA_LAZY(struct archive *, archive_write_new, (), ())
STRATA_LAZY(int, archive_write_open, (struct archive *a0, void *a1, archive_open_callback *a2, archive_write_callback *a3, archive_close_callback *a4), (a0, a1, a2, a3, a4))
STRATA_LAZY(int, archive_write_open_fd, (struct archive *a0, int a1), (a0, a1))
STRATA_LAZY(int, archive_write_set_bytes_per_block, (struct archive *a0, int a1), (a0, a1))
STRATA_LAZY(int, archive_write_set_format_pax_restricted, (struct archive *a0), (a0))
}
