// Runs a shell command for the tests that compare with real tools (python3, nm): its standard
// output, and a failed REQUIRE when it cannot start or exits non-zero. POSIX only.
#ifndef CTYPES_TEST_RUN_COMMAND_HPP
#define CTYPES_TEST_RUN_COMMAND_HPP

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <unistd.h>

namespace test_command {

inline std::string run(const std::string &command) {
    std::string out;
    FILE *pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
        out.append(buf, n);
    REQUIRE(::pclose(pipe) == 0);
    return out;
}

// Everything a pipe's read end gives until the writer closes it (a forked child's report); closes
// the descriptor.
inline std::string read_all(int fd) {
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

} // namespace test_command

#endif
