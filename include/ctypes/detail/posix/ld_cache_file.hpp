// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_POSIX_LD_CACHE_FILE_HPP
#define CTYPES_DETAIL_POSIX_LD_CACHE_FILE_HPP

// The loader cache file, read once and kept while it stays the same file: find_library() asks
// it for a short name at the cost of one stat() and a look through the names asked before
// instead of reading and scanning the whole file (bench/README.md, find_library_z). The file counts
// as unchanged while its device, inode, size, modification time and status-change time are all the
// same; ldconfig writes a new file and renames it over the old one, which changes the inode.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "../ld_cache.hpp"
#include "../lock.hpp"
#include "search.hpp"

namespace ctypes::detail::search {

class ld_cache_file {
public:
    explicit ld_cache_file(std::string path) : path_(std::move(path)) {}
    ld_cache_file(const ld_cache_file &) = delete;
    ld_cache_file &operator=(const ld_cache_file &) = delete;

    // ld_cache::find over the file's current contents: the soname for `name`, or empty when the
    // file is missing, unreadable, corrupt or has no match. Thread-safe.
    std::string find(std::string_view name) {
        struct stat st;
        const bool present = ::stat(path_.c_str(), &st) == 0;
        const lock_hold lock(mutex_);
        if (!present) {
            forget();
            return {};
        }
        const identity now = identity_of(st);
        if (!loaded_ || !(now == identity_)) {
            forget();
            bytes_ = read_small_file(path_.c_str());
            // Read after the stat: should the file be replaced in between, the next call sees
            // a different identity again and reads it once more.
            identity_ = now;
            loaded_ = true;
            ++reads_;
        }
        // A program asks for a handful of names: a short list beats a tree, and keeps <map> out
        // of every includer's compile (bench/README.md, compile time).
        for (const auto &answer : answers_)
            if (answer.first == name)
                return answer.second;
        std::string found = ld_cache::find(reinterpret_cast<const unsigned char *>(bytes_.data()),
                                           bytes_.size(), name);
        if (answers_.size() < max_answers)
            answers_.emplace_back(std::string(name), found);
        return found;
    }

    // How many times the file has been read: tests check that an unchanged file is read once.
    std::size_t reads() const {
        const lock_hold lock(mutex_);
        return reads_;
    }

private:
    struct identity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        long long modified_s = 0, modified_ns = 0, changed_s = 0, changed_ns = 0;
        bool operator==(const identity &o) const noexcept {
            return device == o.device && inode == o.inode && size == o.size &&
                   modified_s == o.modified_s && modified_ns == o.modified_ns &&
                   changed_s == o.changed_s && changed_ns == o.changed_ns;
        }
    };

    static identity identity_of(const struct stat &st) noexcept {
        identity id;
        id.device = st.st_dev;
        id.inode = st.st_ino;
        id.size = st.st_size;
        id.modified_s = static_cast<long long>(st.st_mtime);
        id.changed_s = static_cast<long long>(st.st_ctime);
        id.modified_ns = st.st_mtim.tv_nsec;
        id.changed_ns = st.st_ctim.tv_nsec;
        return id;
    }

    void forget() {
        loaded_ = false;
        bytes_.clear();
        answers_.clear();
    }

    // Answers kept per file, so that a program asking for ever new names cannot grow the
    // memo without bound; past it, names are looked up in the bytes each time.
    static constexpr std::size_t max_answers = 256;

    const std::string path_;
    mutable plain_mutex mutex_;
    bool loaded_ = false;
    identity identity_;
    std::string bytes_;
    std::vector<std::pair<std::string, std::string>> answers_; // name, soname ("" if none)
    std::size_t reads_ = 0;
};

// The loader's own cache file, shared by the whole process.
inline ld_cache_file &system_ld_cache() {
    static ld_cache_file file(cache_file());
    return file;
}

} // namespace ctypes::detail::search

#endif
