# OpenMP for transpile-generated code (copied into every generated project).
#
#   transpile_openmp(<target>)   compile and link <target> with OpenMP when TRANSPILE_OPENMP is ON.
#
# With GCC, -fopenmp is used directly when the compiler ships libgomp (asking the compiler is
# instant, FindOpenMP's try-compiles cost a third of a second per configure); other compilers go
# through FindOpenMP. Without OpenMP the loops run on one thread.
include_guard(GLOBAL)

function(transpile_openmp target)
  if(NOT TRANSPILE_OPENMP)
    return()
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    if(NOT DEFINED CACHE{TRANSPILE_GOMP})
      execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=libgomp.so
                      OUTPUT_VARIABLE gomp OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(IS_ABSOLUTE "${gomp}" AND EXISTS "${gomp}")
        set(TRANSPILE_GOMP "${gomp}" CACHE INTERNAL "libgomp of the C++ compiler")
      else()
        set(TRANSPILE_GOMP "" CACHE INTERNAL "libgomp of the C++ compiler")
      endif()
    endif()
    if(TRANSPILE_GOMP)
      target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-fopenmp>")
      target_link_options(${target} PRIVATE -fopenmp)
      return()
    endif()
  endif()
  find_package(OpenMP COMPONENTS CXX QUIET)
  if(OpenMP_CXX_FOUND)
    target_link_libraries(${target} PRIVATE OpenMP::OpenMP_CXX)
  else()
    message(STATUS "transpile: OpenMP not found; loops run on one thread")
  endif()
endfunction()
