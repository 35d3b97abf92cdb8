# Find a CBLAS for the matrix products of transpile-generated code (copied into every project).
#
# Always defines the INTERFACE target Transpile::BLAS (so TranspileBLAS_FOUND is TRUE); when a
# CBLAS is found it carries TRANSPILE_HAVE_CBLAS=1 and TRANSPILE_CBLAS_PREFIX (the symbol prefix:
# "scipy_" for scipy-openblas, empty otherwise), else the generated code uses its own blocked
# kernel; TRANSPILE_CBLAS_OPENBLAS=1 says it is OpenBLAS (whose own threads the generated code
# turns off, splitting large products across its OpenMP threads instead). Searched, in order (unless TRANSPILE_BLAS is OFF):
#   1. OpenBLAS through its OpenBLASConfig.cmake: the PyPI package scipy-openblas32 (pass
#      -DOpenBLAS_DIR=<site-packages>/scipy_openblas32/lib/cmake/openblas) or any OpenBLAS
#      install found through CMAKE_PREFIX_PATH;
#   2. a system BLAS through FindBLAS, with a cblas.h header.
# TRANSPILE_BLAS_KIND says which one was chosen.
# LAPACK (for the linear-algebra nodes) comes with it: OpenBLAS has it built in, a system BLAS is
# paired with FindLAPACK. When found, Transpile::BLAS also carries TRANSPILE_HAVE_LAPACK=1 and
# TRANSPILE_LAPACK_PREFIX, and TRANSPILE_HAVE_LAPACK is set TRUE for the project to check.
include_guard(GLOBAL)
if(TARGET Transpile::BLAS)
  set(TranspileBLAS_FOUND TRUE)
  return()
endif()
add_library(Transpile::BLAS INTERFACE IMPORTED)
set(TranspileBLAS_FOUND TRUE)
set(TRANSPILE_BLAS_KIND "the built-in blocked kernel")

if(TRANSPILE_BLAS OR NOT DEFINED TRANSPILE_BLAS)
  find_package(OpenBLAS CONFIG QUIET)
  if(OpenBLAS_FOUND AND TARGET OpenBLAS::OpenBLAS)
    find_path(TRANSPILE_CBLAS_INCLUDE_DIR cblas.h HINTS ${OpenBLAS_INCLUDE_DIRS} NO_DEFAULT_PATH)
    if(TRANSPILE_CBLAS_INCLUDE_DIR)
      set(prefix "")
      if(OpenBLAS_LIBRARIES MATCHES "scipy_openblas")
        set(prefix "scipy_")
      endif()
      target_link_libraries(Transpile::BLAS INTERFACE OpenBLAS::OpenBLAS)
      target_include_directories(Transpile::BLAS INTERFACE "${TRANSPILE_CBLAS_INCLUDE_DIR}")
      target_compile_definitions(Transpile::BLAS INTERFACE TRANSPILE_HAVE_CBLAS=1 TRANSPILE_CBLAS_OPENBLAS=1
                                 "TRANSPILE_CBLAS_PREFIX=${prefix}" TRANSPILE_HAVE_LAPACK=1
                                 "TRANSPILE_LAPACK_PREFIX=${prefix}")
      set(TRANSPILE_HAVE_LAPACK TRUE)
      set(TRANSPILE_BLAS_KIND "OpenBLAS ${OpenBLAS_VERSION} (${OpenBLAS_LIBRARIES})")
    endif()
  endif()
  if(NOT TRANSPILE_BLAS_KIND MATCHES "OpenBLAS")
    find_package(BLAS QUIET)
    find_path(TRANSPILE_SYSTEM_CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas blis)
    if(BLAS_FOUND AND TRANSPILE_SYSTEM_CBLAS_INCLUDE_DIR)
      target_link_libraries(Transpile::BLAS INTERFACE ${BLAS_LIBRARIES})
      target_include_directories(Transpile::BLAS INTERFACE "${TRANSPILE_SYSTEM_CBLAS_INCLUDE_DIR}")
      target_compile_definitions(Transpile::BLAS INTERFACE TRANSPILE_HAVE_CBLAS=1 "TRANSPILE_CBLAS_PREFIX=")
      if(BLAS_LIBRARIES MATCHES "openblas")
        target_compile_definitions(Transpile::BLAS INTERFACE TRANSPILE_CBLAS_OPENBLAS=1)
      endif()
      set(TRANSPILE_BLAS_KIND "the system BLAS (${BLAS_LIBRARIES})")
      find_package(LAPACK QUIET)
      if(LAPACK_FOUND)
        target_link_libraries(Transpile::BLAS INTERFACE ${LAPACK_LIBRARIES})
        target_compile_definitions(Transpile::BLAS INTERFACE TRANSPILE_HAVE_LAPACK=1 "TRANSPILE_LAPACK_PREFIX=")
        set(TRANSPILE_HAVE_LAPACK TRUE)
      endif()
    endif()
  endif()
endif()
if(TRANSPILE_BLAS_KIND MATCHES "built-in" AND (TRANSPILE_BLAS OR NOT DEFINED TRANSPILE_BLAS))
  message(WARNING "transpile: no CBLAS found: matrix products use the built-in blocked kernel, several "
                  "times slower than OpenBLAS. Install one (pip install scipy-openblas32) and pass "
                  "-DOpenBLAS_DIR=<site-packages>/scipy_openblas32/lib/cmake/openblas, or a system CBLAS.")
else()
  message(STATUS "transpile: matrix products use ${TRANSPILE_BLAS_KIND}")
endif()
