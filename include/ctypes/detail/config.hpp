// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_CONFIG_HPP
#define CTYPES_DETAIL_CONFIG_HPP

// Platform and compiler detection, and every internal macro that more than one header uses or
// that includers still need after the header that uses it. Each is defined once, here, and kept
// for the whole translation unit (they are all CTYPES_DETAIL_-prefixed, so they cannot clash).
// A macro one header needs only inside itself (a static_assert generator, the Win32 declaration
// attributes) is defined there and #undef'ed at its end instead.
//
//   CTYPES_DETAIL_X86_32            1 on 32-bit x86 (where stdcall differs from cdecl), else 0
//   CTYPES_DETAIL_GNU_LIKE          1 for g++ and clang (GNU attributes and builtins), else 0
//   CTYPES_DETAIL_STDCALL           the stdcall attribute on 32-bit x86; empty elsewhere
//   CTYPES_DETAIL_REGPARM1          first argument in eax (g++/clang on 32-bit x86); empty
//                                   elsewhere: the invoker a 32-bit run-time thunk jumps to
//   CTYPES_DETAIL_UNLIKELY(x)       x, hinted as rarely true
//   CTYPES_DETAIL_COLD              an out-of-line, rarely run function (the failure halves of
//                                   the call paths, so the common path stays the few
//                                   instructions bench/README.md counts)
//   CTYPES_DETAIL_NOINLINE          an out-of-line function that is not rare (the checked half
//                                   of a runtime-typed call, kept out of the bare call's frame)
//   CTYPES_DETAIL_TLS_INITIAL_EXEC  the initial-exec TLS model for a thread_local read on every
//                                   call, in ELF shared objects built -fPIC (not -fPIE): one GOT
//                                   load instead of a __tls_get_addr call; empty elsewhere
//   CTYPES_DETAIL_ERRNO_TLS_MODEL   the same for the private errno copy, with glibc only
//   CTYPES_DETAIL_HAS_LINK_MAP      defined (1) where dlinfo(RTLD_DI_LINKMAP) and <link.h> exist
//                                   (glibc, FreeBSD): the loader's own tables are readable
//   CTYPES_DETAIL_RUNTIME_THUNKS    1 where callback thunks can be written at run time (x86-64,
//                                   and 32-bit x86 with g++/clang), else 0
//
// One more crosses headers but belongs to the runtime-typed calls, outside the typed core, and
// is defined beside the code it selects:
//   CTYPES_DETAIL_FAST_CALL         (detail/dynamic/fast_call.hpp, read by dynamic.hpp) 1 where
//                                   runtime-typed calls in registers skip libffi (x86-64
//                                   System V and Windows x64), else 0; beside it
//                                   CTYPES_DETAIL_FAST_CALL_WIN64, 1 for the Windows x64 one
// Every other internal macro is #undef'ed at the end of the header that defines it
// (CTYPES_DETAIL_POSITION in types.hpp, CTYPES_DETAIL_WINAPI and _IMPORT in win32.hpp).

// Any C library header defines the C library's own macros (__GLIBC__) that the tests below read.
#include <cstdint>

#if defined(_M_IX86) || defined(__i386__)
#define CTYPES_DETAIL_X86_32 1
#else
#define CTYPES_DETAIL_X86_32 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CTYPES_DETAIL_GNU_LIKE 1
#else
#define CTYPES_DETAIL_GNU_LIKE 0
#endif

#if defined(_M_IX86) && defined(_MSC_VER) && !defined(__clang__)
#define CTYPES_DETAIL_STDCALL __stdcall
#elif defined(_M_IX86) || defined(__i386__)
#define CTYPES_DETAIL_STDCALL __attribute__((stdcall))
#else
#define CTYPES_DETAIL_STDCALL
#endif

#if defined(__i386__) && CTYPES_DETAIL_GNU_LIKE
#define CTYPES_DETAIL_REGPARM1 __attribute__((regparm(1)))
#else
#define CTYPES_DETAIL_REGPARM1
#endif

#if CTYPES_DETAIL_GNU_LIKE
#define CTYPES_DETAIL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CTYPES_DETAIL_COLD __attribute__((noinline, cold))
#define CTYPES_DETAIL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD __declspec(noinline)
#define CTYPES_DETAIL_NOINLINE __declspec(noinline)
#else
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD
#define CTYPES_DETAIL_NOINLINE
#endif

#if defined(__ELF__) && CTYPES_DETAIL_GNU_LIKE && defined(__PIC__) && !defined(__PIE__)
#define CTYPES_DETAIL_TLS_INITIAL_EXEC __attribute__((tls_model("initial-exec")))
#else
#define CTYPES_DETAIL_TLS_INITIAL_EXEC
#endif

#if defined(__GLIBC__)
#define CTYPES_DETAIL_ERRNO_TLS_MODEL CTYPES_DETAIL_TLS_INITIAL_EXEC
#else
#define CTYPES_DETAIL_ERRNO_TLS_MODEL
#endif

#if !defined(_WIN32) && (defined(__GLIBC__) || defined(__FreeBSD__))
#define CTYPES_DETAIL_HAS_LINK_MAP 1
#endif

#if defined(__x86_64__) || defined(_M_X64) || (defined(__i386__) && CTYPES_DETAIL_GNU_LIKE)
#define CTYPES_DETAIL_RUNTIME_THUNKS 1
#else
#define CTYPES_DETAIL_RUNTIME_THUNKS 0
#endif

#endif
