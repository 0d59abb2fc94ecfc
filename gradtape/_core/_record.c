/* TapeRecorder.record's common case in C: the tape's cost per recorded op.
 *
 * reverse.py's ``TapeRecorder.record`` is the reference; this computes the same
 * entry for the case almost every recorded op takes (one floating output, an op
 * with a gradient, inputs saved whole or as ``Meta`` stand-ins, no cut on the
 * tape, no debug-mode stacks) and hands every other case to the Python method
 * before changing anything.  ``install`` replaces the method on the class;
 * ``GRADTAPE_PURE_PYTHON=1`` in the environment keeps the Python one.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_slots.h"
#ifdef GRADTAPE_NUMPY  /* NumPy's headers were there at build time: read arrays directly */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#endif
#include <frameobject.h>


static Py_ssize_t off_entries, off_producer, off_tracked, off_cut_only;  /* TapeRecorder */
static Py_ssize_t off_nondiff, off_multi, off_save, off_save_ans;       /* Op */
static Py_ssize_t off_value, off_uid;                                    /* Tensor */
static PyTypeObject *tensor_type, *ndarray_type;
static PyObject *python_record;   /* the reference method, for every other case */
static PyObject *inexact_kinds;   /* NumPy dtype -> kind letter */
static PyObject *scalar_kinds;    /* NumPy scalar type -> kind letter */
static PyObject *metas;           /* (shape, dtype) -> shared Meta */
static PyObject *make_meta;       /* reverse._meta, for a (shape, dtype) not seen yet */
static PyObject *sites_globals;   /* sites.py's module dict: enabled, last_user, keep_stacks */
static PyObject *own_files;       /* sites.OWN_FILES: gradtape's source files */
static int site_depth;            /* frames from the caller up to the one that called apply */
static PyObject *s_all, *s_none, *s_dtype, *s_shape, *s_enabled, *s_last_user,
                *s_keep_stacks;

static PyObject *
defer(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *call[5] = {self};
    for (Py_ssize_t i = 0; i < nargs && i < 4; i++)
        call[i + 1] = args[i];
    return PyObject_Vectorcall(python_record, call, nargs + 1, NULL);
}

/* 1 when ``kind`` is the one-letter string "f", 0 otherwise. */
static int
is_float_kind(PyObject *kind)
{
    return kind != NULL && PyUnicode_Check(kind) && PyUnicode_GET_LENGTH(kind) == 1
           && PyUnicode_READ_CHAR(kind, 0) == 'f';
}

/* 1 when a Tensor's value has a floating dtype, 0 otherwise, -1 on error. */
static int
output_is_float(PyObject *value)
{
    PyObject *kind;
    if (Py_TYPE(value) == ndarray_type) {
#ifdef GRADTAPE_NUMPY
        kind = PyDict_GetItemWithError(inexact_kinds,
                                       (PyObject *)PyArray_DESCR((PyArrayObject *)value));
#else
        PyObject *dtype = PyObject_GetAttr(value, s_dtype);
        if (dtype == NULL)
            return -1;
        kind = PyDict_GetItemWithError(inexact_kinds, dtype);
        Py_DECREF(dtype);
#endif
    }
    else {
        kind = PyDict_GetItemWithError(scalar_kinds, (PyObject *)Py_TYPE(value));
    }
    if (kind == NULL && PyErr_Occurred())
        return -1;
    return is_float_kind(kind);
}

#ifdef GRADTAPE_NUMPY
/* The last Metas made or found, by dtype and shape: a training step saves a few
 * shapes over and over, and this finds them without building a key. */
#define RECENT 16
#define RECENT_NDIM 4
static struct {
    PyArray_Descr *descr;  /* NULL: an empty place */
    int nd;
    npy_intp dims[RECENT_NDIM];
    PyObject *meta;
} recent[RECENT];
static int recent_next;

static PyObject *
recent_meta(PyArrayObject *a)
{
    int nd = PyArray_NDIM(a);
    for (int i = 0; i < RECENT; i++)
        if (recent[i].descr == PyArray_DESCR(a) && recent[i].nd == nd
                && memcmp(recent[i].dims, PyArray_DIMS(a), nd * sizeof(npy_intp)) == 0)
            return Py_NewRef(recent[i].meta);
    return NULL;
}

static void
remember_meta(PyArrayObject *a, PyObject *meta)
{
    int nd = PyArray_NDIM(a), i = recent_next;
    if (nd > RECENT_NDIM)
        return;
    recent_next = (recent_next + 1) % RECENT;
    Py_XDECREF(recent[i].descr);
    Py_XDECREF(recent[i].meta);
    recent[i].descr = PyArray_DESCR(a);
    Py_INCREF(recent[i].descr);
    recent[i].nd = nd;
    memcpy(recent[i].dims, PyArray_DIMS(a), nd * sizeof(npy_intp));
    recent[i].meta = Py_NewRef(meta);
}
#endif

static PyObject *meta_by_key(PyObject *value);

/* The shared Meta of an array's shape and dtype (new reference). */
static PyObject *
meta_of(PyObject *value)
{
#ifdef GRADTAPE_NUMPY
    if (PyArray_CheckExact(value)) {
        PyObject *meta = recent_meta((PyArrayObject *)value);
        if (meta == NULL && (meta = meta_by_key(value)) != NULL)
            remember_meta((PyArrayObject *)value, meta);
        return meta;
    }
#endif
    return meta_by_key(value);
}

/* ``reverse._meta(value)``: the Meta of ``value``'s (shape, dtype) in ``metas``. */
static PyObject *
meta_by_key(PyObject *value)
{
    PyObject *shape = PyObject_GetAttr(value, s_shape), *dtype, *key, *meta;
    if (shape == NULL)
        return NULL;
    dtype = PyObject_GetAttr(value, s_dtype);
    if (dtype == NULL) {
        Py_DECREF(shape);
        return NULL;
    }
    key = PyTuple_Pack(2, shape, dtype);
    Py_DECREF(shape);
    Py_DECREF(dtype);
    if (key == NULL)
        return NULL;
    meta = PyDict_GetItemWithError(metas, key);
    Py_DECREF(key);
    if (meta != NULL) {
        Py_INCREF(meta);
        return meta;
    }
    if (PyErr_Occurred())
        return NULL;
    return PyObject_CallOneArg(make_meta, value);
}

/* ``saved`` for ``op.save`` "all" (the inputs) or "none" (their Metas); Py_None
 * (borrowed) for any other ``save``, which the Python method handles. */
static PyObject *
saved_inputs(PyObject *save, PyObject *inputs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(inputs);
    PyObject *saved;
    if (!PyUnicode_Check(save))
        return Py_None;
    if (PyUnicode_Compare(save, s_all) == 0) {
        Py_INCREF(inputs);
        return inputs;
    }
    if (PyUnicode_Compare(save, s_none) != 0)
        return Py_None;
    saved = PyTuple_New(n);
    if (saved == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *meta = meta_of(SLOT(PyTuple_GET_ITEM(inputs, i), off_value));
        if (meta == NULL) {
            Py_DECREF(saved);
            return NULL;
        }
        PyTuple_SET_ITEM(saved, i, meta);
    }
    return saved;
}

/* Where in user code the op ran: the first frame outside gradtape, from the one that
 * called apply (``site_depth`` above the caller: 0 when apply is C, 1 when it is
 * Python); the last user code seen ends the walk early.  Sets *code and *lasti to new
 * references (None when the walk leaves the stack). */
static int
user_site(PyObject **code, PyObject **lasti)
{
    PyFrameObject *frame = PyEval_GetFrame();
    PyCodeObject *c;
    PyObject *last_user;
    *code = Py_None;
    *lasti = Py_None;
    Py_INCREF(Py_None);
    Py_INCREF(Py_None);
    if (frame == NULL)
        return 0;
    Py_INCREF(frame);
    for (int up = 0; up < site_depth && frame != NULL; up++)
        Py_SETREF(frame, PyFrame_GetBack(frame));
    last_user = PyDict_GetItemWithError(sites_globals, s_last_user);
    if (last_user == NULL && PyErr_Occurred()) {
        Py_XDECREF(frame);
        return -1;
    }
    for (;;) {
        int own;
        if (frame == NULL)
            return 0;  /* walked off the top of the stack: no site */
        c = PyFrame_GetCode(frame);
        if ((PyObject *)c == last_user)
            break;
        own = PySet_Contains(own_files, c->co_filename);
        if (own <= 0) {  /* the user's frame: remembered for the next op */
            if (own < 0 || PyDict_SetItem(sites_globals, s_last_user, (PyObject *)c) < 0) {
                Py_DECREF(c);
                Py_DECREF(frame);
                return -1;
            }
            break;
        }
        Py_DECREF(c);
        Py_SETREF(frame, PyFrame_GetBack(frame));
    }
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *offset = PyLong_FromLong(PyFrame_GetLasti(frame));
#else
    PyObject *offset = PyObject_GetAttrString((PyObject *)frame, "f_lasti");
#endif
    Py_DECREF(frame);
    if (offset == NULL) {
        Py_DECREF(c);
        return -1;
    }
    Py_SETREF(*code, (PyObject *)c);
    Py_SETREF(*lasti, offset);
    return 0;
}

static PyObject *
record(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *op, *inputs, *out, *params, *tracked, *in_uids, *saved, *flag;
    PyObject *code, *lasti, *entry, *index, *out_uid;
    Py_ssize_t n;
    int reached = 0, site_wanted;

    if (nargs != 4 || !PyTuple_CheckExact(args[1]) || Py_TYPE(args[2]) != tensor_type)
        return defer(self, args, nargs);
    op = args[0], inputs = args[1], out = args[2], params = args[3];
    n = PyTuple_GET_SIZE(inputs);
    tracked = SLOT(self, off_tracked);
    if (tracked == NULL || SLOT(self, off_cut_only) == NULL || SLOT(self, off_entries) == NULL
            || SLOT(self, off_producer) == NULL)
        return defer(self, args, nargs);
    in_uids = PyTuple_New(n);
    if (in_uids == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(inputs, i), *uid;
        if (Py_TYPE(x) != tensor_type || (uid = SLOT(x, off_uid)) == NULL) {
            Py_DECREF(in_uids);
            return defer(self, args, nargs);
        }
        Py_INCREF(uid);
        PyTuple_SET_ITEM(in_uids, i, uid);
        if (!reached) {
            int r = PySet_Contains(tracked, uid);
            if (r < 0) {
                Py_DECREF(in_uids);
                return NULL;
            }
            reached = r;
        }
    }
    PyObject_GC_UnTrack(in_uids);  /* ints only: in no cycle, and kept with the entry */
    if (!reached) {  /* no input on the tape: nothing to record */
        Py_DECREF(in_uids);
        Py_RETURN_NONE;
    }
    /* cuts, multi-output ops, complex or integer outputs, kept stacks: the reference */
    flag = PyDict_GetItemWithError(sites_globals, s_enabled);       /* sites.enabled */
    site_wanted = flag != NULL && PyObject_IsTrue(flag) == 1;
    flag = PyDict_GetItemWithError(sites_globals, s_keep_stacks);   /* sites.keep_stacks */
    if (PyErr_Occurred()) {
        Py_DECREF(in_uids);
        return NULL;
    }
    if (PySet_GET_SIZE(SLOT(self, off_cut_only)) != 0
            || (flag != NULL && PyObject_IsTrue(flag) != 0)
            || SLOT(op, off_nondiff) == NULL || PyObject_IsTrue(SLOT(op, off_nondiff))
            || SLOT(op, off_multi) == NULL || PyObject_IsTrue(SLOT(op, off_multi))
            || SLOT(op, off_save) == NULL || SLOT(op, off_save_ans) == NULL
            || SLOT(out, off_value) == NULL || SLOT(out, off_uid) == NULL) {
        Py_DECREF(in_uids);
        return defer(self, args, nargs);
    }
    switch (output_is_float(SLOT(out, off_value))) {
    case -1:
        Py_DECREF(in_uids);
        return NULL;
    case 0:
        Py_DECREF(in_uids);
        return defer(self, args, nargs);
    }
    saved = saved_inputs(SLOT(op, off_save), inputs);
    if (saved == NULL || saved == Py_None) {
        Py_DECREF(in_uids);
        return saved == NULL ? NULL : defer(self, args, nargs);
    }
    if (site_wanted) {
        if (user_site(&code, &lasti) < 0) {
            Py_DECREF(in_uids);
            Py_DECREF(saved);
            return NULL;
        }
    }
    else {
        code = lasti = Py_None;
        Py_INCREF(Py_None);
        Py_INCREF(Py_None);
    }
    out_uid = SLOT(out, off_uid);
    index = PyLong_FromSsize_t(PyList_GET_SIZE(SLOT(self, off_entries)));
    entry = PyTuple_Pack(9, op, in_uids, saved, out_uid,
                         PyObject_IsTrue(SLOT(op, off_save_ans)) ? out : Py_None,
                         params, Py_None, code, lasti);
    Py_DECREF(in_uids);
    Py_DECREF(saved);
    Py_DECREF(code);
    Py_DECREF(lasti);
    if (entry == NULL || index == NULL
            || PyList_Append(SLOT(self, off_entries), entry) < 0
            || PyDict_SetItem(SLOT(self, off_producer), out_uid, index) < 0
            || PySet_Add(tracked, out_uid) < 0) {
        Py_XDECREF(entry);
        Py_XDECREF(index);
        return NULL;
    }
    Py_DECREF(entry);
    Py_DECREF(index);
    Py_RETURN_NONE;
}

static PyMethodDef record_def = {
    "record", (PyCFunction)(void (*)(void))record, METH_FASTCALL,
    "Record one op on the tape (the common case in C; see reverse.py for the reference)."};

static PyObject *
install(PyObject *module, PyObject *args)
{
    PyObject *recorder_type, *op_type, *tensor, *ndarray, *sites_module, *descr;
    int apply_frames;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OO!O!O!OOi", &PyType_Type, &recorder_type,
                          &PyType_Type, &op_type, &PyType_Type, &tensor, &PyType_Type, &ndarray,
                          &python_record, &PyDict_Type, &inexact_kinds, &PyDict_Type,
                          &scalar_kinds, &PyDict_Type, &metas, &make_meta, &sites_module,
                          &apply_frames))
        return NULL;
    site_depth = apply_frames;
    if ((off_entries = slot_offset(recorder_type, "entries")) < 0
            || (off_producer = slot_offset(recorder_type, "producer")) < 0
            || (off_tracked = slot_offset(recorder_type, "tracked")) < 0
            || (off_cut_only = slot_offset(recorder_type, "cut_only")) < 0
            || (off_nondiff = slot_offset(op_type, "nondiff")) < 0
            || (off_multi = slot_offset(op_type, "multi")) < 0
            || (off_save = slot_offset(op_type, "save")) < 0
            || (off_save_ans = slot_offset(op_type, "save_ans")) < 0
            || (off_value = slot_offset(tensor, "_value")) < 0
            || (off_uid = slot_offset(tensor, "_uid")) < 0)
        return NULL;
    sites_globals = PyModule_GetDict(sites_module);
    if (sites_globals == NULL)
        return NULL;
    Py_INCREF(sites_globals);
    Py_INCREF(python_record);
    Py_INCREF(inexact_kinds);
    Py_INCREF(scalar_kinds);
    Py_INCREF(metas);
    Py_INCREF(make_meta);
    own_files = PyDict_GetItemString(sites_globals, "OWN_FILES");
    if (own_files == NULL || !PyAnySet_Check(own_files)) {
        PyErr_SetString(PyExc_TypeError, "sites.OWN_FILES must be a set");
        return NULL;
    }
    Py_INCREF(own_files);
    tensor_type = (PyTypeObject *)tensor;
    ndarray_type = (PyTypeObject *)ndarray;
    Py_INCREF(tensor);
    Py_INCREF(ndarray);
    descr = PyDescr_NewMethod((PyTypeObject *)recorder_type, &record_def);
    if (descr == NULL)
        return NULL;
    if (PyObject_SetAttrString(recorder_type, "record", descr) < 0) {
        Py_DECREF(descr);
        return NULL;
    }
    Py_DECREF(descr);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"install", install, METH_VARARGS,
     "install(TapeRecorder, Op, Tensor, ndarray, python_record, inexact_kinds, scalar_kinds,"
     " metas, make_meta, sites, apply_frames): put the C record on TapeRecorder."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_record",
    "TapeRecorder.record's common case in C (reverse.py holds the reference).", -1,
    module_methods};

PyMODINIT_FUNC
PyInit__record(void)
{
#ifdef GRADTAPE_NUMPY
    import_array();
#endif
    if ((s_all = PyUnicode_InternFromString("all")) == NULL
            || (s_none = PyUnicode_InternFromString("none")) == NULL
            || (s_dtype = PyUnicode_InternFromString("dtype")) == NULL
            || (s_shape = PyUnicode_InternFromString("shape")) == NULL
            || (s_enabled = PyUnicode_InternFromString("enabled")) == NULL
            || (s_last_user = PyUnicode_InternFromString("last_user")) == NULL
            || (s_keep_stacks = PyUnicode_InternFromString("keep_stacks")) == NULL)
        return NULL;
    return PyModule_Create(&module_def);
}
