/* The Python side of every compiled graph: loads a graph library (its C ABI, see
   include/NAME.h of any generated project) and calls it with numpy arrays.

   Built once per machine (cached by the hash of this file and the Python/numpy versions) and
   reused by every graph, so a new graph costs only its own plain C++.

   Library(path, prefix)      dlopens a graph library and creates a state
       .run(values) -> list   strict call: ndarrays of the exact dtypes and ranks
       .to_device(ndarray)    (a CUDA library) a copy in GPU memory: a DeviceArray
   DeviceArray                an array in GPU memory (.to_host(), .shape, .dtype, .device),
                              freed through the library that made it
   FastFunction               base class of transpile's NativeFunction: calling it validates the
                              arguments (fast paths for exact ndarrays and Python scalars; anything
                              else goes through Function._bind, the reference path's checks and
                              messages), reads the shared variables' containers, runs the
                              library, stores the updates, and returns the outputs as numpy
                              arrays that own the library's buffers (no copy). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#include <dlfcn.h>
#include <string.h>

#include "transpile_abi.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)

#define STACK_TENSORS 8
/* Calls on at least this many input elements release the GIL. A graph's run keeps everything
   on its own stack and heap; a state holds the last error message (and, on a GPU, the stream
   and the cuBLAS handle), so a call that releases the GIL runs on a state of its own
   (concurrent calls, failing or not, each report their own error), taken from the library's
   idle states (made once: a GPU state's stream and cuBLAS handle cost milliseconds). */
#define RELEASE_GIL_ELEMENTS (1 << 16)
#define IDLE_STATES 16

typedef int32_t (*create_fn)(void**);
typedef void (*destroy_fn)(void*);
typedef int32_t (*run_fn)(void*, const transpile_tensor*, int32_t, transpile_tensor*, int32_t);
typedef const char* (*error_fn)(const void*);
typedef void (*free_fn)(void*);
typedef int32_t (*count_fn)(void);
typedef int32_t (*int_fn)(int32_t);
typedef uint64_t (*mask_fn)(int32_t);
typedef int32_t (*copy_fn)(void*, const transpile_tensor*, transpile_tensor*);

static const int kTypeNums[] = {-1, NPY_BOOL, NPY_INT8, NPY_INT16, NPY_INT32, NPY_INT64, NPY_UINT8, NPY_UINT16,
                                NPY_UINT32, NPY_UINT64, NPY_FLOAT32, NPY_FLOAT64, NPY_COMPLEX64, NPY_COMPLEX128};
static const char* const kDtypeNames[] = {"?", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                          "uint32", "uint64", "float32", "float64", "complex64", "complex128"};

/* The ABI dtype code of a numpy dtype (0: not supported). */
static int dtype_code(PyArrayObject* a) {
    const int size = (int)PyArray_ITEMSIZE(a);
    switch (PyArray_DESCR(a)->kind) {
    case 'b': return size == 1 ? TRANSPILE_BOOL : 0;
    case 'i': return size == 1 ? TRANSPILE_INT8 : size == 2 ? TRANSPILE_INT16 : size == 4 ? TRANSPILE_INT32 : size == 8 ? TRANSPILE_INT64 : 0;
    case 'u': return size == 1 ? TRANSPILE_UINT8 : size == 2 ? TRANSPILE_UINT16 : size == 4 ? TRANSPILE_UINT32 : size == 8 ? TRANSPILE_UINT64 : 0;
    case 'f': return size == 4 ? TRANSPILE_FLOAT32 : size == 8 ? TRANSPILE_FLOAT64 : 0;
    case 'c': return size == 8 ? TRANSPILE_COMPLEX64 : size == 16 ? TRANSPILE_COMPLEX128 : 0;
    default: return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
typedef struct {
    PyObject_HEAD
    void* handle;
    void* state; /* used by calls that hold the GIL */
    create_fn create;
    run_fn run;
    error_fn last_error;
    free_fn free_data;
    destroy_fn destroy;
    int n_in, n_out;
    int32_t* in_dtype;
    int32_t* in_ndim;
    uint64_t* in_bcast;
    int32_t* out_dtype;
    int32_t* out_ndim;
    void* idle[IDLE_STATES]; /* states for calls that release the GIL (used with the GIL held) */
    int n_idle;
    /* CUDA libraries only (NULL otherwise): GPU memory (see NAME_input_on_device in its header) */
    int32_t* in_on_device;
    int32_t* out_on_device;
    copy_fn to_device;
    copy_fn to_host;
    free_fn free_device;
} Library;

/* An array in GPU memory that a CUDA library returned or uploaded; freed through that library. */
typedef struct {
    PyObject_HEAD
    Library* lib;
    transpile_tensor t; /* memory TRANSPILE_MEMORY_DEVICE, C-contiguous; data owned */
} DeviceArray;

static PyTypeObject DeviceArrayType;

static void* symbol(void* handle, const char* prefix, const char* name) {
    char full[256];
    snprintf(full, sizeof(full), "%s_%s", prefix, name);
    void* p = dlsym(handle, full);
    if (p == NULL) {
        PyErr_Format(PyExc_ImportError, "graph library has no symbol %s", full);
    }
    return p;
}

/* The GPU memory functions of a CUDA library (a CPU library has none: left NULL). */
static int init_device_symbols(Library* self, const char* prefix) {
    char full[256];
    snprintf(full, sizeof(full), "%s_to_device", prefix);
    if (dlsym(self->handle, full) == NULL) {
        return 0;
    }
    int_fn in_dev = (int_fn)symbol(self->handle, prefix, "input_on_device");
    int_fn out_dev = (int_fn)symbol(self->handle, prefix, "output_on_device");
    self->to_device = (copy_fn)symbol(self->handle, prefix, "to_device");
    self->to_host = (copy_fn)symbol(self->handle, prefix, "to_host");
    self->free_device = (free_fn)symbol(self->handle, prefix, "free_device");
    if (PyErr_Occurred()) {
        return -1;
    }
    self->in_on_device = PyMem_Calloc((size_t)self->n_in + 1, sizeof(int32_t));
    self->out_on_device = PyMem_Calloc((size_t)self->n_out + 1, sizeof(int32_t));
    if (!self->in_on_device || !self->out_on_device) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < self->n_in; ++i) {
        self->in_on_device[i] = in_dev(i);
    }
    for (int i = 0; i < self->n_out; ++i) {
        self->out_on_device[i] = out_dev(i);
    }
    return 0;
}

static int Library_init(Library* self, PyObject* args, PyObject* kwargs) {
    const char *path, *prefix;
    if (!PyArg_ParseTuple(args, "ss", &path, &prefix)) {
        return -1;
    }
    self->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (self->handle == NULL) {
        PyErr_Format(PyExc_ImportError, "cannot load graph library %s: %s", path, dlerror());
        return -1;
    }
    count_fn abi = (count_fn)symbol(self->handle, prefix, "abi_version");
    create_fn create = self->create = (create_fn)symbol(self->handle, prefix, "create");
    count_fn n_in = (count_fn)symbol(self->handle, prefix, "num_inputs");
    count_fn n_out = (count_fn)symbol(self->handle, prefix, "num_outputs");
    int_fn in_dtype = (int_fn)symbol(self->handle, prefix, "input_dtype");
    int_fn in_ndim = (int_fn)symbol(self->handle, prefix, "input_ndim");
    mask_fn in_bcast = (mask_fn)symbol(self->handle, prefix, "input_broadcastable");
    int_fn out_dtype = (int_fn)symbol(self->handle, prefix, "output_dtype");
    int_fn out_ndim = (int_fn)symbol(self->handle, prefix, "output_ndim");
    self->run = (run_fn)symbol(self->handle, prefix, "run");
    self->last_error = (error_fn)symbol(self->handle, prefix, "last_error");
    self->free_data = (free_fn)symbol(self->handle, prefix, "free");
    self->destroy = (destroy_fn)symbol(self->handle, prefix, "destroy");
    if (PyErr_Occurred()) {
        return -1;
    }
    if (abi() != TRANSPILE_ABI_VERSION) {
        PyErr_Format(PyExc_ImportError, "graph library %s has ABI version %d, expected %d", path, (int)abi(),
                     TRANSPILE_ABI_VERSION);
        return -1;
    }
    self->n_in = n_in();
    self->n_out = n_out();
    size_t n = (size_t)(self->n_in + self->n_out + 1);
    self->in_dtype = PyMem_Calloc(n, sizeof(int32_t));
    self->in_ndim = PyMem_Calloc(n, sizeof(int32_t));
    self->in_bcast = PyMem_Calloc(n, sizeof(uint64_t));
    self->out_dtype = PyMem_Calloc(n, sizeof(int32_t));
    self->out_ndim = PyMem_Calloc(n, sizeof(int32_t));
    if (!self->in_dtype || !self->in_ndim || !self->in_bcast || !self->out_dtype || !self->out_ndim) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < self->n_in; ++i) {
        self->in_dtype[i] = in_dtype(i);
        self->in_ndim[i] = in_ndim(i);
        self->in_bcast[i] = in_bcast(i);
    }
    for (int i = 0; i < self->n_out; ++i) {
        self->out_dtype[i] = out_dtype(i);
        self->out_ndim[i] = out_ndim(i);
    }
    if (init_device_symbols(self, prefix) < 0) {
        return -1;
    }
    if (create(&self->state) != TRANSPILE_OK) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void Library_dealloc(Library* self) {
    /* The library stays loaded: arrays it returned may outlive this object and free through it. */
    if (self->state && self->destroy) {
        self->destroy(self->state);
    }
    while (self->n_idle > 0) {
        self->destroy(self->idle[--self->n_idle]);
    }
    PyMem_Free(self->in_dtype);
    PyMem_Free(self->in_ndim);
    PyMem_Free(self->in_bcast);
    PyMem_Free(self->out_dtype);
    PyMem_Free(self->out_ndim);
    PyMem_Free(self->in_on_device);
    PyMem_Free(self->out_on_device);
    Py_TYPE(self)->tp_free((PyObject*)self);
}

/* Describe ndarray `obj` (already of the right dtype code and rank) in `t`; arrays the library
   cannot address in elements (byte-swapped, misaligned, odd strides) are copied into *hold. */
static int describe(PyObject* obj, int code, int ndim, transpile_tensor* t, PyObject** hold) {
    PyArrayObject* a = (PyArrayObject*)obj;
    const npy_intp size = PyArray_ITEMSIZE(a);
    int ok = PyArray_ISNOTSWAPPED(a) && PyArray_ISALIGNED(a);
    for (int d = 0; d < ndim && ok; ++d) {
        ok = PyArray_DIM(a, d) <= 1 || PyArray_STRIDE(a, d) % size == 0;
    }
    if (!ok) {
        PyObject* copy = PyArray_FromAny(obj, PyArray_DescrFromType(kTypeNums[code]), 0, 0,
                                         NPY_ARRAY_CARRAY | NPY_ARRAY_ENSURECOPY, NULL);
        if (copy == NULL) {
            return -1;
        }
        *hold = copy;
        a = (PyArrayObject*)copy;
    }
    t->data = PyArray_DATA(a);
    t->dtype = code;
    t->ndim = ndim;
    t->memory = TRANSPILE_MEMORY_HOST;
    t->device = 0;
    for (int d = 0; d < ndim; ++d) {
        t->shape[d] = PyArray_DIM(a, d);
        t->strides[d] = PyArray_DIM(a, d) <= 1 ? 0 : PyArray_STRIDE(a, d) / size;
    }
    return 0;
}

/* Strict: `obj` must be an ndarray of input i's dtype and rank (or, for an input a CUDA library
   takes in GPU memory, a DeviceArray of them). */
static int describe_strict(Library* lib, int i, PyObject* obj, transpile_tensor* t, PyObject** hold, const char* what) {
    const int code = lib->in_dtype[i], ndim = lib->in_ndim[i];
    if (PyObject_TypeCheck(obj, &DeviceArrayType) && lib->in_on_device != NULL && lib->in_on_device[i]) {
        const DeviceArray* a = (const DeviceArray*)obj;
        if (a->t.dtype != code || a->t.ndim != ndim) {
            PyErr_Format(PyExc_TypeError, "%s %d: expected a %d-d array of %s, got a %d-d DeviceArray of %s", what, i,
                         ndim, kDtypeNames[code], (int)a->t.ndim, kDtypeNames[a->t.dtype]);
            return -1;
        }
        *t = a->t;
        return 0;
    }
    if (!PyArray_Check(obj) || dtype_code((PyArrayObject*)obj) != code || PyArray_NDIM((PyArrayObject*)obj) != ndim) {
        PyErr_Format(PyExc_TypeError, "%s %d: expected a %d-d ndarray of %s, got %R", what, i, ndim, kDtypeNames[code],
                     (PyObject*)Py_TYPE(obj));
        return -1;
    }
    return describe(obj, code, ndim, t, hold);
}

/* The element count of a described array. */
static int64_t elements(const transpile_tensor* t) {
    int64_t n = 1;
    for (int d = 0; d < t->ndim; ++d) {
        n *= t->shape[d];
    }
    return n;
}

static void capsule_free(PyObject* capsule) {
    free_fn f = (free_fn)PyCapsule_GetContext(capsule);
    void* p = PyCapsule_GetPointer(capsule, "transpile.buffer");
    if (f && p) {
        f(p);
    }
}

static PyObject* raise_status(Library* lib, void* state, int status) {
    PyObject* kind = PyExc_RuntimeError;
    switch (status) {
    case TRANSPILE_ERR_ARGUMENT:
    case TRANSPILE_ERR_DTYPE:
    case TRANSPILE_ERR_RANK: kind = PyExc_TypeError; break;
    case TRANSPILE_ERR_SHAPE:
    case TRANSPILE_ERR_VALUE: kind = PyExc_ValueError; break;
    case TRANSPILE_ERR_ALLOC: kind = PyExc_MemoryError; break;
    case TRANSPILE_ERR_INDEX: kind = PyExc_IndexError; break;
    case TRANSPILE_ERR_ASSERT: kind = PyExc_AssertionError; break;
    default: break;
    }
    PyErr_SetString(kind, lib->last_error(state));
    return NULL;
}

/* A new DeviceArray owning the GPU array `t` (freed here when it cannot be made). */
static PyObject* device_array(Library* lib, const transpile_tensor* t) {
    DeviceArray* a = PyObject_New(DeviceArray, &DeviceArrayType);
    if (a == NULL) {
        lib->free_device(t->data);
        return NULL;
    }
    Py_INCREF(lib);
    a->lib = lib;
    a->t = *t;
    return (PyObject*)a;
}

static void DeviceArray_dealloc(DeviceArray* self) {
    self->lib->free_device(self->t.data);
    Py_DECREF(self->lib);
    PyObject_Free(self);
}

/* An ndarray owning host memory `t` that library `lib` allocated (freed here on failure). */
static PyObject* wrap_host(Library* lib, const transpile_tensor* t) {
    npy_intp dims[TRANSPILE_MAX_NDIM];
    for (int d = 0; d < t->ndim; ++d) {
        dims[d] = (npy_intp)t->shape[d];
    }
    PyObject* capsule = PyCapsule_New(t->data, "transpile.buffer", capsule_free);
    if (capsule == NULL) {
        lib->free_data(t->data);
        return NULL;
    }
    PyObject* arr = NULL;
    if (PyCapsule_SetContext(capsule, (void*)lib->free_data) == 0) {
        arr = PyArray_New(&PyArray_Type, t->ndim, dims, kTypeNums[t->dtype], NULL, t->data, 0, NPY_ARRAY_CARRAY, NULL);
    }
    if (arr == NULL || PyArray_SetBaseObject((PyArrayObject*)arr, capsule) < 0) {
        Py_XDECREF(arr);
        Py_DECREF(capsule);
        return NULL;
    }
    return arr;
}

static PyObject* DeviceArray_to_host(DeviceArray* self, PyObject* unused) {
    transpile_tensor host;
    memset(&host, 0, sizeof(host));
    const int status = self->lib->to_host(self->lib->state, &self->t, &host);
    if (status != TRANSPILE_OK) {
        return raise_status(self->lib, self->lib->state, status);
    }
    return wrap_host(self->lib, &host);
}

static PyObject* DeviceArray_get_shape(DeviceArray* self, void* unused) {
    PyObject* shape = PyTuple_New(self->t.ndim);
    for (int d = 0; shape != NULL && d < self->t.ndim; ++d) {
        PyTuple_SET_ITEM(shape, d, PyLong_FromLongLong((long long)self->t.shape[d]));
    }
    return shape;
}

static PyObject* DeviceArray_get_dtype(DeviceArray* self, void* unused) {
    return (PyObject*)PyArray_DescrFromType(kTypeNums[self->t.dtype]);
}

static PyObject* DeviceArray_get_device(DeviceArray* self, void* unused) { return PyLong_FromLong(self->t.device); }

static PyObject* DeviceArray_repr(DeviceArray* self) {
    PyObject* shape = DeviceArray_get_shape(self, NULL);
    PyObject* text = shape ? PyUnicode_FromFormat("DeviceArray(shape=%R, dtype=%s, device=%d)", shape,
                                                  kDtypeNames[self->t.dtype], (int)self->t.device)
                           : NULL;
    Py_XDECREF(shape);
    return text;
}

static PyMethodDef DeviceArray_methods[] = {
    {"to_host", (PyCFunction)DeviceArray_to_host, METH_NOARGS, "to_host() -> a copy in host memory (ndarray)"},
    {NULL, NULL, 0, NULL}};
static PyGetSetDef DeviceArray_getset[] = {
    {"shape", (getter)DeviceArray_get_shape, NULL, "shape", NULL},
    {"dtype", (getter)DeviceArray_get_dtype, NULL, "numpy dtype", NULL},
    {"device", (getter)DeviceArray_get_device, NULL, "the GPU's ordinal", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject DeviceArrayType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = STR(TRANSPILE_CALLER_MODULE) ".DeviceArray",
    .tp_basicsize = sizeof(DeviceArray),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An array in GPU memory (a shared variable's value between calls of a GPU function)",
    .tp_dealloc = (destructor)DeviceArray_dealloc,
    .tp_repr = (reprfunc)DeviceArray_repr,
    .tp_methods = DeviceArray_methods,
    .tp_getset = DeviceArray_getset,
};

/* A copy of ndarray `obj` (already of the right dtype code) in GPU memory, as a DeviceArray. */
static PyObject* upload(Library* lib, PyObject* obj, int code) {
    PyObject* packed = PyArray_FromAny(obj, PyArray_DescrFromType(kTypeNums[code]), 0, 0, NPY_ARRAY_CARRAY, NULL);
    if (packed == NULL) {
        return NULL;
    }
    PyArrayObject* a = (PyArrayObject*)packed;
    transpile_tensor host, dev;
    memset(&host, 0, sizeof(host));
    memset(&dev, 0, sizeof(dev));
    host.data = PyArray_DATA(a);
    host.dtype = code;
    host.ndim = PyArray_NDIM(a);
    for (int d = 0; d < host.ndim; ++d) {
        host.shape[d] = PyArray_DIM(a, d);
    }
    transpile_set_contiguous(&host);
    const int status = lib->to_device(lib->state, &host, &dev);
    Py_DECREF(packed);
    if (status != TRANSPILE_OK) {
        return raise_status(lib, lib->state, status);
    }
    return device_array(lib, &dev);
}

static PyObject* Library_to_device(Library* self, PyObject* obj) {
    if (self->to_device == NULL) {
        PyErr_SetString(PyExc_TypeError, "to_device(): this graph library runs on the CPU");
        return NULL;
    }
    if (!PyArray_Check(obj) || dtype_code((PyArrayObject*)obj) == 0 || PyArray_NDIM((PyArrayObject*)obj) > TRANSPILE_MAX_NDIM) {
        PyErr_Format(PyExc_TypeError, "to_device(): expected an ndarray of a supported dtype, got %R", (PyObject*)Py_TYPE(obj));
        return NULL;
    }
    return upload(self, obj, dtype_code((PyArrayObject*)obj));
}

/* Run the library on `in` and return its outputs as a list: arrays owning the buffers, and
   DeviceArrays for the outputs `on_device` marks (NULL: none), which the library returns in GPU
   memory. */
static PyObject* invoke(Library* lib, transpile_tensor* in, int64_t work, const char* on_device) {
    transpile_tensor stack_out[STACK_TENSORS];
    transpile_tensor* out = lib->n_out <= STACK_TENSORS ? stack_out : PyMem_Calloc((size_t)lib->n_out, sizeof(transpile_tensor));
    if (out == NULL) {
        return PyErr_NoMemory();
    }
    memset(out, 0, sizeof(transpile_tensor) * (size_t)lib->n_out);
    for (int k = 0; on_device != NULL && k < lib->n_out; ++k) {
        out[k].memory = on_device[k] ? TRANSPILE_MEMORY_DEVICE : TRANSPILE_MEMORY_HOST;
    }
    int status;
    void* state = lib->state;
    if (work >= RELEASE_GIL_ELEMENTS) {
        if (lib->n_idle > 0) {
            state = lib->idle[--lib->n_idle];
        } else if (lib->create(&state) != TRANSPILE_OK) {
            if (out != stack_out) {
                PyMem_Free(out);
            }
            return PyErr_NoMemory();
        }
        Py_BEGIN_ALLOW_THREADS
        status = lib->run(state, in, lib->n_in, out, lib->n_out);
        Py_END_ALLOW_THREADS
    } else {
        status = lib->run(state, in, lib->n_in, out, lib->n_out);
    }
    PyObject* result = NULL;
    if (status != TRANSPILE_OK) {
        raise_status(lib, state, status);
        goto done;
    }
    result = PyList_New(lib->n_out);
    for (int k = 0; k < lib->n_out; ++k) {
        const int gpu = out[k].memory == TRANSPILE_MEMORY_DEVICE;
        if (result == NULL) {
            (gpu ? lib->free_device : lib->free_data)(out[k].data);
            continue;
        }
        PyObject* arr = gpu ? device_array(lib, &out[k]) : wrap_host(lib, &out[k]);
        if (arr == NULL) {
            Py_CLEAR(result);
            continue;
        }
        PyList_SET_ITEM(result, k, arr);
    }
done:
    if (state != lib->state) {
        if (lib->n_idle < IDLE_STATES) {
            lib->idle[lib->n_idle++] = state;
        } else {
            lib->destroy(state);
        }
    }
    if (out != stack_out) {
        PyMem_Free(out);
    }
    return result;
}

static PyObject* Library_run(Library* self, PyObject* values) {
    PyObject* seq = PySequence_Fast(values, "run() takes a list of arrays");
    if (seq == NULL) {
        return NULL;
    }
    PyObject* result = NULL;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    transpile_tensor* in = PyMem_Calloc((size_t)self->n_in + 1, sizeof(transpile_tensor));
    PyObject** hold = PyMem_Calloc((size_t)self->n_in + 1, sizeof(PyObject*));
    if (in == NULL || hold == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (n != self->n_in) {
        PyErr_Format(PyExc_TypeError, "run() expected %d arrays, got %zd", self->n_in, n);
        goto done;
    }
    int64_t work = 0;
    for (int i = 0; i < self->n_in; ++i) {
        PyObject* v = PySequence_Fast_GET_ITEM(seq, i);
        if (describe_strict(self, i, v, &in[i], &hold[i], "input") < 0) {
            goto done;
        }
        work += elements(&in[i]);
    }
    result = invoke(self, in, work, NULL);
done:
    for (int i = 0; hold && i < self->n_in; ++i) {
        Py_XDECREF(hold[i]);
    }
    PyMem_Free(hold);
    PyMem_Free(in);
    Py_DECREF(seq);
    return result;
}

static PyObject* Library_get_n_inputs(Library* self, void* unused) { return PyLong_FromLong(self->n_in); }
static PyObject* Library_get_n_outputs(Library* self, void* unused) { return PyLong_FromLong(self->n_out); }

static PyMethodDef Library_methods[] = {
    {"run", (PyCFunction)Library_run, METH_O, "run(values) -> list of output arrays (strict dtypes and ranks)"},
    {"to_device", (PyCFunction)Library_to_device, METH_O, "to_device(ndarray) -> DeviceArray (CUDA libraries)"},
    {NULL, NULL, 0, NULL}};
static PyGetSetDef Library_getset[] = {
    {"n_inputs", (getter)Library_get_n_inputs, NULL, "number of inputs", NULL},
    {"n_outputs", (getter)Library_get_n_outputs, NULL, "number of outputs", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject LibraryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = STR(TRANSPILE_CALLER_MODULE) ".Library",
    .tp_basicsize = sizeof(Library),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Library(path, prefix): a loaded graph library",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Library_init,
    .tp_dealloc = (destructor)Library_dealloc,
    .tp_methods = Library_methods,
    .tp_getset = Library_getset,
};

/* ------------------------------------------------------------------------------------------ */
typedef struct {
    PyObject_HEAD
    Library* lib;
    int n_explicit;
    int n_ret;
    int single;
    PyObject* shared;   /* tuple of containers (.value read before each call) */
    PyObject* updates;  /* tuple of containers (.value set from the trailing outputs) */
    char* on_device;    /* per output: asked in GPU memory (the updates a CUDA library can keep there); or NULL */
} FastFunction;

typedef union {
    double f64;
    float f32;
    int64_t i64;
} Scalar;

/* Describe argument `obj` for input i without any Python-level call, or return 0 (the caller
   then takes the reference path, Function._bind, for every argument). */
static int fast_input(Library* lib, int i, PyObject* obj, transpile_tensor* t, Scalar* s, int64_t* work) {
    const int code = lib->in_dtype[i], ndim = lib->in_ndim[i];
    if (PyArray_Check(obj)) {
        PyArrayObject* a = (PyArrayObject*)obj;
        if (dtype_code(a) != code || PyArray_NDIM(a) != ndim || !PyArray_ISNOTSWAPPED(a) || !PyArray_ISALIGNED(a)) {
            return 0;
        }
        const npy_intp size = PyArray_ITEMSIZE(a);
        for (int d = 0; d < ndim; ++d) {
            const npy_intp n = PyArray_DIM(a, d);
            if (((lib->in_bcast[i] >> d) & 1) && n != 1) {
                return 0;
            }
            if (n > 1 && PyArray_STRIDE(a, d) % size != 0) {
                return 0;
            }
            t->shape[d] = n;
            t->strides[d] = n <= 1 ? 0 : PyArray_STRIDE(a, d) / size;
        }
        t->data = PyArray_DATA(a);
        t->dtype = code;
        t->ndim = ndim;
        t->memory = TRANSPILE_MEMORY_HOST;
        t->device = 0;
        *work += PyArray_SIZE(a);
        return 1;
    }
    if (ndim != 0) {
        return 0;
    }
    if (code == TRANSPILE_FLOAT64 && PyFloat_CheckExact(obj)) {
        s->f64 = PyFloat_AS_DOUBLE(obj);
    } else if (code == TRANSPILE_FLOAT64 && PyArray_IsScalar(obj, Double)) {
        s->f64 = PyArrayScalar_VAL(obj, Double);
    } else if (code == TRANSPILE_FLOAT32 && PyArray_IsScalar(obj, Float)) {
        s->f32 = PyArrayScalar_VAL(obj, Float);
    } else if ((code == TRANSPILE_INT64 || code == TRANSPILE_FLOAT64) && PyLong_CheckExact(obj)) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (overflow || (v == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        if (code == TRANSPILE_INT64) {
            s->i64 = v;
        } else {
            s->f64 = (double)v;
        }
    } else {
        return 0;
    }
    t->data = s;
    t->dtype = code;
    t->ndim = 0;
    t->memory = TRANSPILE_MEMORY_HOST;
    t->device = 0;
    *work += 1;
    return 1;
}

/* A shared variable's value where it is now: its GPU copy when it has one, else the host value.
   What an input a CUDA library does not read (an update's target only) is given, so that a
   value kept in GPU memory is not copied back for nothing. */
static PyObject* value_where_it_is(PyObject* container) {
    PyObject* dev = PyObject_GetAttrString(container, "device_value");
    if (dev == NULL || dev != Py_None) {
        return dev;
    }
    Py_DECREF(dev);
    return PyObject_GetAttrString(container, "value");
}

/* Shared variable input i of a CUDA library that reads it in GPU memory: the container's value
   there, uploaded once (and kept in the container) when it is only on the host. */
static PyObject* device_value(Library* lib, int i, PyObject* container) {
    PyObject* value = value_where_it_is(container);
    if (value == NULL || PyObject_TypeCheck(value, &DeviceArrayType)) {
        return value;
    }
    const int code = lib->in_dtype[i];
    if (!PyArray_Check(value) || dtype_code((PyArrayObject*)value) != code ||
        PyArray_NDIM((PyArrayObject*)value) != lib->in_ndim[i]) {
        PyErr_Format(PyExc_TypeError, "shared variable input %d: expected a %d-d ndarray of %s, got %R", i,
                     lib->in_ndim[i], kDtypeNames[code], (PyObject*)Py_TYPE(value));
        Py_DECREF(value);
        return NULL;
    }
    PyObject* dev = upload(lib, value, code);
    Py_DECREF(value);
    if (dev == NULL) {
        return NULL;
    }
    PyObject* kept = PyObject_CallMethod(container, "keep_device_copy", "O", dev);
    if (kept == NULL) {
        Py_DECREF(dev);
        return NULL;
    }
    Py_DECREF(kept);
    return dev;
}

static int FastFunction_traverse(FastFunction* self, visitproc visit, void* arg) {
    Py_VISIT(self->lib);
    Py_VISIT(self->shared);
    Py_VISIT(self->updates);
    return 0;
}

static int FastFunction_clear(FastFunction* self) {
    Py_CLEAR(self->lib);
    Py_CLEAR(self->shared);
    Py_CLEAR(self->updates);
    return 0;
}

static void FastFunction_dealloc(FastFunction* self) {
    PyObject_GC_UnTrack(self);
    FastFunction_clear(self);
    PyMem_Free(self->on_device);
    Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* FastFunction_setup(FastFunction* self, PyObject* args) {
    PyObject *lib, *shared, *updates;
    int n_explicit, n_ret, single;
    if (!PyArg_ParseTuple(args, "O!iO!O!ip", &LibraryType, &lib, &n_explicit, &PyTuple_Type, &shared, &PyTuple_Type,
                          &updates, &n_ret, &single)) {
        return NULL;
    }
    Library* l = (Library*)lib;
    if (n_explicit + PyTuple_GET_SIZE(shared) != l->n_in || n_ret + PyTuple_GET_SIZE(updates) != l->n_out) {
        PyErr_SetString(PyExc_ValueError, "_native_setup: inputs/outputs do not match the library");
        return NULL;
    }
    char* on_device = NULL;  /* updates the library can return in GPU memory stay there (device_value) */
    if (l->out_on_device != NULL) {
        if ((on_device = PyMem_Calloc((size_t)l->n_out + 1, 1)) == NULL) {
            return PyErr_NoMemory();
        }
        for (int k = n_ret; k < l->n_out; ++k) {
            on_device[k] = (char)l->out_on_device[k];
        }
    }
    PyMem_Free(self->on_device);
    self->on_device = on_device;
    Py_INCREF(lib);
    Py_INCREF(shared);
    Py_INCREF(updates);
    Py_XSETREF(self->lib, l);
    Py_XSETREF(self->shared, shared);
    Py_XSETREF(self->updates, updates);
    self->n_explicit = n_explicit;
    self->n_ret = n_ret;
    self->single = single;
    Py_RETURN_NONE;
}

static PyObject* FastFunction_call(FastFunction* self, PyObject* args, PyObject* kwargs) {
    Library* lib = self->lib;
    if (lib == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "native function is not set up");
        return NULL;
    }
    const int n_in = lib->n_in;
    transpile_tensor stack_in[STACK_TENSORS];
    Scalar stack_scalars[STACK_TENSORS];
    PyObject* stack_hold[STACK_TENSORS * 2];
    const int small = n_in <= STACK_TENSORS;
    transpile_tensor* in = small ? stack_in : PyMem_Calloc((size_t)n_in, sizeof(transpile_tensor));
    Scalar* scalars = small ? stack_scalars : PyMem_Calloc((size_t)n_in, sizeof(Scalar));
    PyObject** hold = small ? stack_hold : PyMem_Calloc((size_t)n_in * 2, sizeof(PyObject*));
    PyObject *bound = NULL, *outputs = NULL, *result = NULL;
    if (in == NULL || scalars == NULL || hold == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memset(hold, 0, sizeof(PyObject*) * 2 * (size_t)n_in);
    int64_t work = 0;
    const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    int fast = (kwargs == NULL || PyDict_GET_SIZE(kwargs) == 0) && nargs == self->n_explicit;
    for (int i = 0; fast && i < self->n_explicit; ++i) {
        fast = fast_input(lib, i, PyTuple_GET_ITEM(args, i), &in[i], &scalars[i], &work);
    }
    if (!fast) {
        /* The reference path: same conversions, same TypeError messages as every other mode. */
        PyObject* kw = kwargs != NULL ? kwargs : PyDict_New();
        bound = kw ? PyObject_CallMethod((PyObject*)self, "_bind", "OO", args, kw) : NULL;
        if (kwargs == NULL) {
            Py_XDECREF(kw);
        }
        if (bound == NULL) {
            goto done;
        }
        work = 0;
        for (int i = 0; i < self->n_explicit; ++i) {
            PyObject* v = PyList_GET_ITEM(bound, i);
            if (describe_strict(lib, i, v, &in[i], &hold[i], "input") < 0) {
                goto done;
            }
            work += PyArray_SIZE((PyArrayObject*)v);
        }
    }
    for (int j = 0; j < n_in - self->n_explicit; ++j) {
        const int i = self->n_explicit + j;
        PyObject* container = PyTuple_GET_ITEM(self->shared, j);
        const int32_t on_device = lib->in_on_device != NULL ? lib->in_on_device[i] : 0;
        PyObject* value = on_device == 2   ? value_where_it_is(container)
                          : on_device == 1 ? device_value(lib, i, container)
                                           : PyObject_GetAttrString(container, "value");
        if (value == NULL) {
            goto done;
        }
        hold[n_in + j] = value;
        if (describe_strict(lib, i, value, &in[i], &hold[i], "shared variable input") < 0) {
            goto done;
        }
        work += elements(&in[i]);
    }
    outputs = invoke(lib, in, work, self->on_device);
    if (outputs == NULL) {
        goto done;
    }
    for (int j = 0; j < lib->n_out - self->n_ret; ++j) {
        PyObject* update = PyList_GET_ITEM(outputs, self->n_ret + j);
        const char* where = PyObject_TypeCheck(update, &DeviceArrayType) ? "device_value" : "value";
        if (PyObject_SetAttrString(PyTuple_GET_ITEM(self->updates, j), where, update) < 0) {
            goto done;
        }
    }
    if (self->single) {
        result = PyList_GET_ITEM(outputs, 0);
        Py_INCREF(result);
    } else if (self->n_ret == lib->n_out) {
        result = outputs;
        outputs = NULL;
    } else {
        result = PyList_GetSlice(outputs, 0, self->n_ret);
    }
done:
    if (hold != NULL) {
        for (int i = 0; i < 2 * n_in; ++i) {
            Py_XDECREF(hold[i]);
        }
    }
    Py_XDECREF(bound);
    Py_XDECREF(outputs);
    if (!small) {
        PyMem_Free(in);
        PyMem_Free(scalars);
        PyMem_Free(hold);
    }
    return result;
}

static PyMethodDef FastFunction_methods[] = {
    {"_native_setup", (PyCFunction)FastFunction_setup, METH_VARARGS,
     "_native_setup(library, n_explicit, shared_containers, update_containers, n_returned, single)"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject FastFunctionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = STR(TRANSPILE_CALLER_MODULE) ".FastFunction",
    .tp_basicsize = sizeof(FastFunction),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Base of compiled native functions: calling runs the graph library",
    .tp_new = PyType_GenericNew,
    .tp_call = (ternaryfunc)FastFunction_call,
    .tp_traverse = (traverseproc)FastFunction_traverse,
    .tp_clear = (inquiry)FastFunction_clear,
    .tp_dealloc = (destructor)FastFunction_dealloc,
    .tp_methods = FastFunction_methods,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, STR(TRANSPILE_CALLER_MODULE),
                                    "Calls transpile graph libraries from Python.", -1, NULL};

PyMODINIT_FUNC CAT(PyInit_, TRANSPILE_CALLER_MODULE)(void) {
    import_array();
    if (PyType_Ready(&LibraryType) < 0 || PyType_Ready(&FastFunctionType) < 0 || PyType_Ready(&DeviceArrayType) < 0) {
        return NULL;
    }
    PyObject* m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&LibraryType);
    Py_INCREF(&FastFunctionType);
    Py_INCREF(&DeviceArrayType);
    if (PyModule_AddObject(m, "Library", (PyObject*)&LibraryType) < 0 ||
        PyModule_AddObject(m, "FastFunction", (PyObject*)&FastFunctionType) < 0 ||
        PyModule_AddObject(m, "DeviceArray", (PyObject*)&DeviceArrayType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
