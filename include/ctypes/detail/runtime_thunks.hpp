// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_RUNTIME_THUNKS_HPP
#define CTYPES_DETAIL_RUNTIME_THUNKS_HPP

// Thunks made at run time, for the capturing callbacks beyond a signature's static pool. Each is
// two instructions written into W^X code pages (see code_memory.hpp), the same two a static
// pool thunk compiles to: load the callback's record from the thunk's own data slot into the
// register where the invoker's extra parameter lives, and jump to the invoker through the slot.
// The C caller's arguments stay untouched in their registers and on the stack, and the invoker
// returns straight to C.
//
// The code of a thunk depends only on that register, so one arena per register serves every
// signature. Code pages are written once and then only executed; a thunk freed and taken again
// gets a new record and invoker in its data slot, which stays read-write in pages of its own.
//
// Where the extra parameter goes:
// - x86-64 System V: the integer register after the last integer-class parameter (rdi, rsi,
//   rdx, rcx, r8, r9), so every parameter must be a scalar (integers, pointers, enums, float,
//   double) with fewer than six in integer registers, and the result not a class (a class in
//   memory would take rdi for its address);
// - x64 Windows: the register of the position after the last parameter (rcx, rdx, r8, r9), so
//   at most three parameters, of any type, and the result not a class;
// - 32-bit x86 with GCC or Clang: eax, with the invoker declared regparm(1) and the record as
//   its first parameter, so the stack parameters are where C put them; the result not a class.
// Elsewhere (other processors, MSVC on 32-bit x86) no thunk is made at run time: the static pool
// is all there is.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "code_memory.hpp"
#include "config.hpp"
#include "lock.hpp"

namespace ctypes::detail {

// x86 register numbers as ModRM encodes them (8 and up need REX.R).
enum : int {
    reg_none = -1,
    reg_eax = 0,
    reg_rcx = 1,
    reg_rdx = 2,
    reg_rsi = 6,
    reg_rdi = 7,
    reg_r8 = 8,
    reg_r9 = 9
};

// A reference is a pointer in a register; sizeof is asked only of what is not a reference (a
// reference to a function has no size).
template <class T>
inline constexpr bool is_integer_class =
    std::is_reference_v<T> ||
    ((std::is_integral_v<T> || std::is_enum_v<T> || std::is_pointer_v<T> ||
      std::is_null_pointer_v<T>)&&sizeof(std::conditional_t<std::is_reference_v<T>, char, T>) <= 8);
template <class T>
inline constexpr bool is_sse_class = std::is_same_v<T, float> || std::is_same_v<T, double>;

// The register that carries the record for a callback of signature R(A...), or reg_none when
// this platform or signature cannot have thunks made at run time.
template <class R, class... A>
constexpr int runtime_thunk_register() {
    if constexpr (std::is_class_v<R> || std::is_union_v<R>) {
        return reg_none;
    } else {
#if defined(_M_X64) || (defined(__x86_64__) && defined(_WIN32))
        constexpr int regs[] = {reg_rcx, reg_rdx, reg_r8, reg_r9};
        return sizeof...(A) < 4 ? regs[sizeof...(A)] : reg_none;
#elif defined(__x86_64__)
        constexpr bool scalars = (true && ... && (is_integer_class<A> || is_sse_class<A>));
        constexpr std::size_t ints = (std::size_t{0} + ... + (is_integer_class<A> ? 1 : 0));
        constexpr int regs[] = {reg_rdi, reg_rsi, reg_rdx, reg_rcx, reg_r8, reg_r9};
        return scalars && ints < 6 ? regs[ints] : reg_none;
#elif CTYPES_DETAIL_RUNTIME_THUNKS
        return reg_eax;
#else
        return reg_none;
#endif
    }
}

// What a run-time thunk reads: the invoker it jumps to and the record it passes.
struct runtime_thunk_slot {
    void (*invoke)() = nullptr;
    void *record = nullptr;
};

// The thunks of one register: chunks of code pages, each followed by the pages of its data
// slots; a free list of thunk numbers. Thread-safe; never unmapped (a callback may be destroyed
// after static destruction began, so the arena is never destroyed either).
class thunk_arena {
public:
    static constexpr std::size_t thunk_bytes = 16;

    explicit thunk_arena(int reg) noexcept : reg_(reg) {}

    // Claims a thunk that will call invoke with record; its address, or null with the reason
    // in `why`. `number` identifies it for release().
    void *acquire(void (*invoke)(), void *record, std::size_t &number, std::string &why) {
        const lock_hold hold(lock_);
        if (free_.empty() && !grow(why))
            return nullptr;
        number = free_.back();
        free_.pop_back();
        chunk &c = chunks_[number / per_chunk_];
        const std::size_t i = number % per_chunk_;
        c.slots[i].invoke = invoke;
        c.slots[i].record = record;
        return c.code + i * thunk_bytes;
    }

    void release(std::size_t number) noexcept {
        const lock_hold hold(lock_);
        chunk &c = chunks_[number / per_chunk_];
        c.slots[number % per_chunk_] = runtime_thunk_slot{};
        free_.push_back(number); // reserved in grow(): cannot throw
    }

private:
    struct chunk {
        unsigned char *code;
        runtime_thunk_slot *slots;
    };

    bool grow(std::string &why) {
        const std::size_t page = code_memory::page_size();
        if (per_chunk_ == 0)
            per_chunk_ = page / thunk_bytes;
        const std::size_t code_bytes = page;
        const std::size_t data_bytes =
            (per_chunk_ * sizeof(runtime_thunk_slot) + page - 1) / page * page;
        chunks_.reserve(chunks_.size() + 1);
        free_.reserve((chunks_.size() + 1) * per_chunk_);
        auto *base =
            static_cast<unsigned char *>(code_memory::map_writable(code_bytes + data_bytes, why));
        if (!base)
            return false;
        auto *slots = reinterpret_cast<runtime_thunk_slot *>(base + code_bytes);
        for (std::size_t i = 0; i < per_chunk_; ++i) {
            ::new (static_cast<void *>(slots + i)) runtime_thunk_slot{};
            write_thunk(base + i * thunk_bytes, &slots[i]);
        }
        if (!code_memory::make_executable(base, code_bytes, why)) {
            code_memory::unmap(base, code_bytes + data_bytes);
            return false;
        }
        const std::size_t first = chunks_.size() * per_chunk_;
        chunks_.push_back(chunk{base, slots});
        for (std::size_t i = per_chunk_; i-- > 0;)
            free_.push_back(first + i);
        return true;
    }

    static void put32(unsigned char *at, std::uint32_t v) noexcept { std::memcpy(at, &v, 4); }

    void write_thunk(unsigned char *at, runtime_thunk_slot *slot) const noexcept {
        std::memset(at, 0xCC, thunk_bytes); // int3 padding
        const auto record = reinterpret_cast<std::uintptr_t>(&slot->record);
        const auto invoke = reinterpret_cast<std::uintptr_t>(&slot->invoke);
#if defined(__x86_64__) || defined(_M_X64)
        // mov reg, [rip + record]; jmp [rip + invoke]
        const auto here = reinterpret_cast<std::uintptr_t>(at);
        at[0] = static_cast<unsigned char>(0x48 | (reg_ >= 8 ? 0x04 : 0));
        at[1] = 0x8B;
        at[2] = static_cast<unsigned char>(0x05 | ((reg_ & 7) << 3));
        put32(at + 3, static_cast<std::uint32_t>(record - (here + 7)));
        at[7] = 0xFF;
        at[8] = 0x25;
        put32(at + 9, static_cast<std::uint32_t>(invoke - (here + 13)));
#else
        // mov eax, [record]; jmp [invoke]
        at[0] = 0xA1;
        put32(at + 1, static_cast<std::uint32_t>(record));
        at[5] = 0xFF;
        at[6] = 0x25;
        put32(at + 7, static_cast<std::uint32_t>(invoke));
#endif
    }

    [[maybe_unused]] int reg_; // x86-64 only: 32-bit x86 always loads the record into eax
    std::size_t per_chunk_ = 0;
    plain_mutex lock_;
    std::vector<chunk> chunks_;
    std::vector<std::size_t> free_;
};

// The arena for a register; one per program (an inline function's static). Never destroyed:
// see thunk_arena.
inline thunk_arena &arena_for(int reg) {
    static thunk_arena *const *const arenas = [] {
        auto **all = new thunk_arena *[16];
        for (int i = 0; i < 16; ++i)
            all[i] = new thunk_arena(i);
        return all;
    }();
    return *arenas[reg];
}

} // namespace ctypes::detail

#endif
