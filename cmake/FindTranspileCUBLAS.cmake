# cuBLAS for transpile's CUDA graphs (copied into every generated project).
#
#   find_package(TranspileCUBLAS)  ->  TranspileCUBLAS_FOUND, imported target Transpile::CUBLAS
#
# Looked for first under TRANSPILE_CUBLAS_ROOT (the directory with include/cublas_v2.h and
# lib/libcublas.so*: the PyPI package nvidia-cublas installs it as site-packages/nvidia/cu13/,
# and transpile passes it), then in the CUDA toolkit (CUDA::cublas). The pip package ships only
# versioned libraries (libcublas.so.13), which find_library does not match by name: they are
# globbed here.
include_guard(GLOBAL)
include(FindPackageHandleStandardArgs)

set(TRANSPILE_CUBLAS_ROOT "" CACHE PATH "Directory with include/cublas_v2.h and lib/libcublas.so*")
unset(_transpile_cublas_lib)
if(TRANSPILE_CUBLAS_ROOT)
  find_path(TranspileCUBLAS_INCLUDE_DIR cublas_v2.h PATHS "${TRANSPILE_CUBLAS_ROOT}/include" NO_DEFAULT_PATH)
  file(GLOB _transpile_cublas_libs "${TRANSPILE_CUBLAS_ROOT}/lib/libcublas.so*")
  list(SORT _transpile_cublas_libs)
  if(_transpile_cublas_libs)
    list(GET _transpile_cublas_libs 0 _transpile_cublas_lib)
  endif()
endif()
if(TranspileCUBLAS_INCLUDE_DIR AND _transpile_cublas_lib)
  set(TranspileCUBLAS_LIBRARY "${_transpile_cublas_lib}" CACHE FILEPATH "cuBLAS library")
  if(NOT TARGET Transpile::CUBLAS)
    add_library(Transpile::CUBLAS SHARED IMPORTED)
    set_target_properties(Transpile::CUBLAS PROPERTIES IMPORTED_LOCATION "${TranspileCUBLAS_LIBRARY}"
                          INTERFACE_INCLUDE_DIRECTORIES "${TranspileCUBLAS_INCLUDE_DIR}")
  endif()
  find_package_handle_standard_args(TranspileCUBLAS REQUIRED_VARS TranspileCUBLAS_LIBRARY TranspileCUBLAS_INCLUDE_DIR)
else()
  find_package(CUDAToolkit QUIET)
  if(TARGET CUDA::cublas AND NOT TARGET Transpile::CUBLAS)
    add_library(Transpile::CUBLAS INTERFACE IMPORTED)
    set_target_properties(Transpile::CUBLAS PROPERTIES INTERFACE_LINK_LIBRARIES CUDA::cublas)
    set(TranspileCUBLAS_LIBRARY CUDA::cublas)
  endif()
  find_package_handle_standard_args(TranspileCUBLAS
    REQUIRED_VARS TranspileCUBLAS_LIBRARY
    REASON_FAILURE_MESSAGE "cuBLAS was found neither in the CUDA toolkit nor under TRANSPILE_CUBLAS_ROOT: pip install nvidia-cublas and pass -DTRANSPILE_CUBLAS_ROOT=<site-packages>/nvidia/cu13")
endif()
