# Compiler settings for transpile-generated code (copied into every generated project).
#
#   transpile_target(<target>)   C++17, -O2 with the loop vectorizer (below), -fno-math-errno
#                                (vectorized libm with IEEE semantics: see transpile_runtime.h),
#                                hidden visibility (the C ABI is exported explicitly), libm/libmvec,
#                                OpenMP when TRANSPILE_OPENMP is ON.
#
# With GCC, -O2 -ftree-vectorize -fvect-cost-model=dynamic rather than -O3 (measured with GCC 12
# on the benchmarks' kernels, see benchmarks/README.md): every loop -O3 vectorizes still is, a row
# max or a softmax runs 15-40% faster (-O3 unrolls the lanes of tr::fold completely before the
# vectorizer sees them, leaving scalar compares), nothing measured ran slower, and a graph
# compiles in a quarter less time.
#
# Never -ffast-math: it breaks isnan/isinf and, loaded into a process, flips the whole process to
# flush-to-zero.
#
# With TRANSPILE_FAST_LINKER (OFF by default; transpile's in-process builds turn it on), links use
# GNU gold where the compiler has it: it links a small graph library against scipy-openblas in
# 0.05 s where the default BFD ld takes 0.12 s, a tenth of a small graph's build. Off, an exported
# library is linked by the platform's default linker, which exports nothing but the C ABI (gold
# also exports its own symbols _end, _edata and __bss_start). Whether the compiler has gold is
# asked of its driver (`-fuse-ld=gold -Wl,--version`, a few ms), not with check_linker_flag, which
# configures and builds a test project: a fifth of the configure of a graph's first build recipe.
include_guard(GLOBAL)
include(TranspileOpenMP)

option(TRANSPILE_FAST_LINKER "Link with GNU gold where the compiler can" OFF)
if(TRANSPILE_FAST_LINKER AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT APPLE
   AND NOT DEFINED CACHE{TRANSPILE_HAVE_GOLD})
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -fuse-ld=gold -Wl,--version
                  RESULT_VARIABLE gold_status OUTPUT_VARIABLE gold_version ERROR_QUIET)
  if(gold_status EQUAL 0 AND gold_version MATCHES "GNU gold")
    set(TRANSPILE_HAVE_GOLD TRUE CACHE INTERNAL "the C++ compiler links with -fuse-ld=gold")
  else()
    set(TRANSPILE_HAVE_GOLD FALSE CACHE INTERNAL "the C++ compiler links with -fuse-ld=gold")
  endif()
endif()

set(CMAKE_BUILD_RPATH_USE_ORIGIN ON)  # builds may be moved (the transpile cache does)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

function(transpile_target target)
  target_compile_features(${target} PRIVATE cxx_std_17)
  set_target_properties(${target} PROPERTIES
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    # C++ sources only: a CUDA graph's kernels (.cu) are compiled by nvcc with its own flags
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-fno-math-errno;-Wno-unknown-pragmas>")
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE
                             "$<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CONFIG:Release,RelWithDebInfo>>:-O2;-ftree-vectorize;-fvect-cost-model=dynamic>")
      # the generated loops already have explicit unit-stride versions: GCC's own copies of
      # them only cost compile time (a quarter of it on elementwise-heavy graphs)
      target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-fno-version-loops-for-strides>")
    else()
      target_compile_options(${target} PRIVATE "$<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CONFIG:Release,RelWithDebInfo>>:-O3>")
    endif()
    if(TRANSPILE_NATIVE_ARCH)
      target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-march=native>")
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /O2 /fp:precise)
  endif()
  if(TRANSPILE_FAST_LINKER AND TRANSPILE_HAVE_GOLD)
    target_link_options(${target} PRIVATE "$<$<LINK_LANGUAGE:CXX>:-fuse-ld=gold>")
  endif()
  if(UNIX AND NOT APPLE)
    target_link_libraries(${target} PRIVATE m)  # glibc's libm script pulls in libmvec as needed
  endif()
  transpile_openmp(${target})
endfunction()
