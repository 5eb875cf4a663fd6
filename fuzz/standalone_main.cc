// Replays corpus files through a fuzz target without libFuzzer, so every build (GCC too)
// exercises the corpora under ctest. Arguments: files or directories; arguments starting with
// '-' are libFuzzer flags and ignored. Each input gets a time limit: an input that runs longer
// fails the replay (it is reported, not skipped with a longjmp past destructors).
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

constexpr unsigned kSecondsPerInput = 25;
const char* g_current = "";

void on_alarm(int) {
  // Only async-signal-safe calls here.
  const char msg[] = "standalone replay: input exceeded the time limit: ";
  (void)!write(2, msg, sizeof msg - 1);
  (void)!write(2, g_current, std::char_traits<char>::length(g_current));
  (void)!write(2, "\n", 1);
  _exit(1);
}

bool run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "standalone replay: cannot read %s\n", p.c_str());
    return false;
  }
  // An exact-size copy, so ASan sees reads past the end of the input.
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  g_current = p.c_str();
  alarm(kSecondsPerInput);
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  alarm(0);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::signal(SIGALRM, on_alarm);
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    std::filesystem::path p(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
    } else if (std::filesystem::exists(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "standalone replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t ran = 0;
  for (const auto& f : files) {
    if (!run_file(f)) return 1;
    ++ran;
  }
  std::printf("standalone replay: %zu inputs executed without a finding\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "standalone replay: no inputs found: a corpus folder must hold at least one seed\n");
    return 1;
  }
  return 0;
}
