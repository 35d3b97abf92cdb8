// "GPU memory" for the CPU emulation of CUDA, one registry per process (this file is built once as
// a shared library that every emulated library links, see build.py). Each allocation is pages of
// its own, kept PROT_NONE except while a kernel, a copy or an emulated library call runs
// (emu_device_open/emu_device_close, nested): host code that reads or writes GPU memory faults
// here as it does on a GPU, instead of passing because the emulation's GPU memory is host memory.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

namespace {

std::recursive_mutex lock_;
std::map<uintptr_t, size_t>& regions() {
    static std::map<uintptr_t, size_t> r;  // start -> bytes (whole pages)
    return r;
}
int depth = 0;
struct sigaction previous;
bool handler_installed = false;

void protect_all(int prot) {
    for (const auto& [start, bytes] : regions()) {
        mprotect(reinterpret_cast<void*>(start), bytes, prot);
    }
}

// A fault inside GPU memory: say so, then let the handler before this one (or the default) act.
void on_fault(int sig, siginfo_t* info, void* context) {
    const uintptr_t at = reinterpret_cast<uintptr_t>(info->si_addr);
    auto it = regions().upper_bound(at);
    if (it != regions().begin() && at < std::prev(it)->first + std::prev(it)->second) {
        static const char text[] = "emulated CUDA: host code touched GPU memory (outside any kernel or copy)\n";
        (void)!write(2, text, sizeof text - 1);
    }
    sigaction(SIGSEGV, &previous, nullptr);  // the fault happens again, for the previous handler
    (void)sig;
    (void)context;
}

}  // namespace

extern "C" void* emu_device_alloc(size_t n) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    if (!handler_installed) {
        struct sigaction action;
        std::memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &action, &previous);
        handler_installed = true;
    }
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    const size_t bytes = ((n ? n : 1) + page - 1) / page * page;
    void* p = mmap(nullptr, bytes, depth > 0 ? PROT_READ | PROT_WRITE : PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return nullptr;
    }
    regions()[reinterpret_cast<uintptr_t>(p)] = bytes;
    return p;
}

extern "C" void emu_device_free(void* p) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    auto it = regions().find(reinterpret_cast<uintptr_t>(p));
    if (it != regions().end()) {
        munmap(p, it->second);
        regions().erase(it);
    }
}

extern "C" void emu_device_open() {
    lock_.lock();  // held until the matching close: one "GPU" at a time
    if (depth++ == 0) {
        protect_all(PROT_READ | PROT_WRITE);
    }
}

extern "C" void emu_device_close() {
    if (--depth == 0) {
        protect_all(PROT_NONE);
    }
    lock_.unlock();
}
