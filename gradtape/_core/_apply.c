/* The op dispatch (trace.apply) in C: what every op pays, taped or not.
 *
 * trace.py's ``python_apply`` is the reference; ``apply`` below takes the same
 * steps: compute with the op's NumPy code, wrap the result in a new Tensor,
 * and, while recorders are active in this thread, read Variable inputs under
 * them and offer the op to each.  What is rare is handed to Python: another
 * array namespace in use, parameters that are not a dict (the whole call),
 * NumPy's failures and warnings (``trace._failed``), a multi-output op's
 * wrapping.  As it runs, the op is on this thread's ``applying`` list
 * (``trace.applying()``), which names it in warnings in place of the Python
 * frame it does not have.  ``GRADTAPE_PURE_PYTHON=1`` keeps the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_slots.h"
#ifdef GRADTAPE_NUMPY  /* NumPy's headers were there at build time: read arrays directly */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#endif

#define SMALL 8  /* inputs whose values fit on the C stack; more are allocated */

static Py_ssize_t off_numpy_impl, off_multi;  /* Op */
static Py_ssize_t off_value, off_uid;         /* Tensor */
static PyTypeObject *tensor_type;
static PyObject *active, *foreign;  /* state.active, state.foreign: one-item lists */
static PyObject *local;             /* state.local: each thread's recorder stack */
static PyObject *next_uid;          /* tensor._next_uid */
static PyObject *python_apply;      /* the reference, for what is rare */
static PyObject *any_namespace;     /* trace._apply_any_namespace */
static PyObject *failed;            /* trace._failed: a NumPy error or warning */
static PyObject *wrap_all;          /* trace._wrap_all: a multi-output op's Tensors */
static PyObject *raw_errors;        /* the exceptions ``failed`` turns into gradtape's */
static PyObject *s_stack, *s_record, *s_read_under, *s_value, *s_applying;

/* Set by ``install_reads`` (variable_type stays NULL until then) */
static PyTypeObject *variable_type, *tape_type;
static Py_ssize_t off_var_value, off_var_uid, off_var_trainable;
static Py_ssize_t off_tape_variables, off_tape_tracked, off_tape_watch;
static PyObject *inexact_dtypes;  /* dtypes.NUMPY_INEXACT_KINDS */
static PyObject *s_dtype;

/* This thread's list of the ops being applied (borrowed), made on first use. */
static PyObject *
applying_list(void)
{
    PyObject *dict = PyThreadState_GetDict(), *list;
    if (dict == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "no thread state");
        return NULL;
    }
    list = PyDict_GetItemWithError(dict, s_applying);
    if (list != NULL || PyErr_Occurred())
        return list;
    list = PyList_New(0);
    if (list == NULL || PyDict_SetItem(dict, s_applying, list) < 0) {
        Py_XDECREF(list);
        return NULL;
    }
    Py_DECREF(list);
    return list;
}

/* ``x._value`` (borrowed for a Tensor, a new reference otherwise: *owned says which). */
static PyObject *
value_of(PyObject *x, int *owned)
{
    PyObject *v;
    if (Py_TYPE(x) == tensor_type && (v = SLOT(x, off_value)) != NULL) {
        *owned = 0;
        return v;
    }
    if (Py_TYPE(x) == variable_type && (v = SLOT(x, off_var_value)) != NULL) {
        *owned = 0;
        return v;
    }
    *owned = 1;
    return PyObject_GetAttr(x, s_value);
}

/* ``op.numpy_impl(*values, **params)``; on a NumPy error or warning, what
 * ``trace._failed`` makes of it. */
static PyObject *
compute(PyObject *op, PyObject *inputs, PyObject *const *items, Py_ssize_t n, PyObject *params)
{
    PyObject *small[SMALL + 1 + MAX_PARAMS], **args, *impl = SLOT(op, off_numpy_impl), *out = NULL;
    int owned[SMALL], *own;
    Py_ssize_t got = 0;
    if (impl == NULL || impl == Py_None) {
        PyErr_SetString(PyExc_TypeError, "an op without NumPy code");
        return NULL;
    }
    args = n <= SMALL ? small : PyMem_Malloc((n + 1 + MAX_PARAMS) * sizeof(PyObject *));
    own = n <= SMALL ? owned : PyMem_Malloc((n + 1) * sizeof(int));
    if (args == NULL || own == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; got < n; got++)
        if ((args[got + 1] = value_of(items[got], &own[got])) == NULL)
            goto done;
    out = call_with_params(impl, args + 1, n, params);
    if (out == NULL && (PyErr_ExceptionMatches(raw_errors)
                        || PyErr_ExceptionMatches(PyExc_RuntimeWarning))) {
        PyObject *type, *error, *traceback;
        PyErr_Fetch(&type, &error, &traceback);
        PyErr_NormalizeException(&type, &error, &traceback);
        Py_XDECREF(type);
        Py_XDECREF(traceback);
        if (error != NULL) {
            PyObject *call[4] = {op, inputs, params, error};
            out = PyObject_Vectorcall(failed, call, 4, NULL);
            Py_DECREF(error);
        }
    }
done:
    for (Py_ssize_t k = 0; k < got; k++)
        if (own[k])
            Py_DECREF(args[k + 1]);
    if (args != small)
        PyMem_Free(args);
    if (own != owned)
        PyMem_Free(own);
    return out;
}

/* Leave the garbage collector out of a new Tensor ``t`` holding a NumPy array or
 * scalar: such a Tensor refers to nothing the collector follows (NumPy's values are
 * not tracked), so it can be in no cycle the collector could free.  Each op makes
 * one, and a taped step keeps hundreds alive that every young collection would walk. */
static void
untrack_numpy(PyObject *t, PyObject *value)
{
#ifdef GRADTAPE_NUMPY
    if (PyArray_CheckExact(value) || PyArray_IsScalar(value, Generic))
        PyObject_GC_UnTrack(t);
#endif
}

/* A new Tensor around ``value`` (stolen). */
static PyObject *
wrap(PyObject *value)
{
    PyObject *t, *uid;
    if (value == NULL)
        return NULL;
    uid = PyObject_CallNoArgs(next_uid);
    if (uid == NULL || (t = tensor_type->tp_alloc(tensor_type, 0)) == NULL) {
        Py_XDECREF(uid);
        Py_DECREF(value);
        return NULL;
    }
    SLOT(t, off_value) = value;
    SLOT(t, off_uid) = uid;
    untrack_numpy(t, value);
    return t;
}

/* Variable._read_under for the common case: a trainable Variable of a floating or
 * complex dtype read while every recorder is a plain tape that watches what it
 * reads (TapeRecorder.watch_variable's first branch). */

/* 1 if every recorder is a tape that watches the Variables it reads, 0 if not. */
static int
plain_tapes(PyObject *recorders)
{
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(recorders); r++) {
        PyObject *rec = PyTuple_GET_ITEM(recorders, r);
        if (Py_TYPE(rec) != tape_type || SLOT(rec, off_tape_watch) != Py_True
                || SLOT(rec, off_tape_variables) == NULL
                || !PyDict_CheckExact(SLOT(rec, off_tape_variables))
                || SLOT(rec, off_tape_tracked) == NULL
                || !PySet_CheckExact(SLOT(rec, off_tape_tracked)))
            return 0;
    }
    return 1;
}

/* Whether ``value``'s dtype is floating or complex (-1 on an error). */
static int
inexact(PyObject *value)
{
    PyObject *dtype = PyObject_GetAttr(value, s_dtype);
    int r;
    if (dtype == NULL)
        return -1;
    r = PyDict_Contains(inexact_dtypes, dtype);
    Py_DECREF(dtype);
    return r;
}

/* A Tensor reading Variable ``var``, watched by each tape (a new reference);
 * Py_None (borrowed) when the case is not the common one, NULL on an error. */
static PyObject *
quick_read(PyObject *var, PyObject *recorders)
{
    PyObject *value = SLOT(var, off_var_value), *uid = SLOT(var, off_var_uid), *t;
    if (value == NULL || uid == NULL || SLOT(var, off_var_trainable) != Py_True
            || !plain_tapes(recorders))
        return Py_None;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(recorders); r++) {
        PyObject *rec = PyTuple_GET_ITEM(recorders, r),
                 *variables = SLOT(rec, off_tape_variables);
        int known = PyDict_Contains(variables, uid), ok;
        if (known < 0)
            return NULL;
        if (known)  /* (read again and again in a step) */
            continue;
        if ((ok = inexact(value)) <= 0)  /* an integer Variable: its cut, in Python */
            return ok < 0 ? NULL : Py_None;
        if (PySet_Add(SLOT(rec, off_tape_tracked), uid) < 0
                || PyDict_SetItem(variables, uid, var) < 0)
            return NULL;
    }
    if ((t = tensor_type->tp_alloc(tensor_type, 0)) == NULL)
        return NULL;
    SLOT(t, off_value) = Py_NewRef(value);
    SLOT(t, off_uid) = Py_NewRef(uid);
    untrack_numpy(t, value);
    return t;
}

/* ``var._read_under(recorders)``, in C for the common case (a new reference). */
static PyObject *
read_under(PyObject *var, PyObject *recorders)
{
    if (Py_TYPE(var) == variable_type) {
        PyObject *t = quick_read(var, recorders);
        if (t != Py_None)
            return t;
    }
    return PyObject_CallMethodOneArg(var, s_read_under, recorders);
}

/* The inputs as the recorders see them: a tuple, each Variable read under them. */
static PyObject *
recorded_inputs(PyObject *const *items, Py_ssize_t n, PyObject *recorders)
{
    PyObject *ins = PyTuple_New(n);
    if (ins == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *x = items[k];
        if (Py_TYPE(x) == tensor_type)
            Py_INCREF(x);
        else if ((x = read_under(x, recorders)) == NULL) {
            Py_DECREF(ins);
            return NULL;
        }
        PyTuple_SET_ITEM(ins, k, x);
    }
    for (Py_ssize_t k = 0; k < n; k++)  /* (kept with the entry: see untrack_numpy) */
        if (PyObject_GC_IsTracked(PyTuple_GET_ITEM(ins, k)))
            return ins;
    PyObject_GC_UnTrack(ins);
    return ins;
}

/* ``rec.record(op, inputs, out, params)`` for each recorder, outermost first. */
static int
offer(PyObject *recorders, PyObject *op, PyObject *const *items, Py_ssize_t n, PyObject *out,
      PyObject *params)
{
    PyObject *ins = recorded_inputs(items, n, recorders);
    if (ins == NULL)
        return -1;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(recorders); r++) {
        /* args[0] is room the method call may use (PY_VECTORCALL_ARGUMENTS_OFFSET) */
        PyObject *args[6] = {NULL, PyTuple_GET_ITEM(recorders, r), op, ins, out, params};
        PyObject *done = PyObject_VectorcallMethod(s_record, args + 1,
                                                   5 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (done == NULL) {
            Py_DECREF(ins);
            return -1;
        }
        Py_DECREF(done);
    }
    Py_DECREF(ins);
    return 0;
}

/* The active recorders of this thread (a new reference to a tuple, or to None). */
static PyObject *
recorders_of_thread(void)
{
    PyObject *st = PyObject_GetAttr(local, s_stack);
    if (st == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return st;
}

static PyObject *
apply(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *op, *inputs, *params, *seq, *out, *recorders = NULL, *list, *multi;
    Py_ssize_t n;
    int recording, failed_step = 0;
    if (nargs != 3 || !PyDict_Check(args[2]))
        return PyObject_Vectorcall(python_apply, args, nargs, NULL);
    op = args[0], inputs = args[1], params = args[2];
    recording = PyObject_IsTrue(PyList_GET_ITEM(active, 0));
    if (recording < 0)
        return NULL;
    if (recording) {
        if ((recorders = recorders_of_thread()) == NULL)
            return NULL;
        if (PyObject_IsTrue(PyList_GET_ITEM(foreign, 0))) {
            PyObject *call[4] = {op, inputs, params, recorders};
            out = PyObject_Vectorcall(any_namespace, call, 4, NULL);
            Py_DECREF(recorders);
            return out;
        }
        if (recorders != Py_None && !PyTuple_CheckExact(recorders)) {
            Py_DECREF(recorders);
            return PyObject_Vectorcall(python_apply, args, nargs, NULL);
        }
    }
    if ((seq = PySequence_Fast(inputs, "an op's inputs must be a sequence")) == NULL
            || (list = applying_list()) == NULL || PyList_Append(list, op) < 0) {
        Py_XDECREF(seq);
        Py_XDECREF(recorders);
        return NULL;
    }
    Py_INCREF(list);  /* ours until the op is taken off it */
    n = PySequence_Fast_GET_SIZE(seq);
    out = compute(op, inputs, PySequence_Fast_ITEMS(seq), n, params);
    multi = SLOT(op, off_multi);
    if (out != NULL && multi != NULL && PyObject_IsTrue(multi))
        Py_SETREF(out, PyObject_CallOneArg(wrap_all, out));
    else
        out = wrap(out);
    if (out != NULL && recorders != NULL && recorders != Py_None
            && PyTuple_GET_SIZE(recorders) > 0)
        failed_step = offer(recorders, op, PySequence_Fast_ITEMS(seq), n, out, params);
    Py_DECREF(seq);
    Py_XDECREF(recorders);
    /* (the list may have been read, never changed, by a warning's handler) */
    if (PyList_GET_SIZE(list) > 0 && PyList_SetSlice(list, PyList_GET_SIZE(list) - 1,
                                                     PyList_GET_SIZE(list), NULL) < 0)
        failed_step = -1;
    Py_DECREF(list);
    if (failed_step) {
        Py_XDECREF(out);
        return NULL;
    }
    return out;
}

/* ``tensor.wrap`` in C: a new Tensor around ``value`` (for the sweep's results). */
static PyObject *
wrap_value(PyObject *module, PyObject *value)
{
    return wrap(Py_NewRef(value));
}

#ifdef GRADTAPE_NUMPY
/* A public op function with its common case in C (``fast_op``): what the Python
 * function would do for operands it takes as they are (Tensors or Variables of one
 * accepted dtype; a Tensor and a float with a shared constant; two matrices), it
 * does by calling ``apply`` itself; anything else goes to the Python function,
 * which stays the reference (and the object's name, doc, signature...).  No
 * Python frame stands between the user's code and the op: the record finds the
 * user's line at once.  It binds as a method, so Tensor operators can be one. */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *op, *accepted, *scalars, *params, *fallback;
    int arity, matmul;
} FastOp;

/* The value of a Tensor or Variable operand (borrowed), NULL for anything else. */
static PyObject *
operand_value(PyObject *x, int variables)
{
    if (Py_TYPE(x) == tensor_type)
        return SLOT(x, off_value);
    if (variables && variable_type != NULL && Py_TYPE(x) == variable_type)
        return SLOT(x, off_var_value);
    return NULL;
}

/* What ``accepted`` is keyed by: an array's dtype, a NumPy scalar's type. */
static PyObject *
value_key(PyObject *v)
{
    return PyArray_CheckExact(v) ? (PyObject *)PyArray_DESCR((PyArrayObject *)v)
                                 : (PyObject *)Py_TYPE(v);
}

/* Where in this thread's ``applying`` list the op a FastOp applies stands (-1: none):
 * a NumPy warning of that op is issued at the user's own line (user_warnings). */
static _Thread_local Py_ssize_t fast_at = -1;

static PyObject *
apply_to(FastOp *self, PyObject *x, PyObject *y)
{
    PyObject *inputs = y == NULL ? PyTuple_Pack(1, x) : PyTuple_Pack(2, x, y), *out, *list;
    Py_ssize_t outer = fast_at;
    if (inputs == NULL || (list = applying_list()) == NULL) {
        Py_XDECREF(inputs);
        return NULL;
    }
    PyObject *call[3] = {self->op, inputs, self->params};
    fast_at = PyList_GET_SIZE(list);
    out = apply(NULL, call, 3);
    fast_at = outer;
    Py_DECREF(inputs);
    return out;
}

static PyObject *
applied_fast(PyObject *module, PyObject *unused)
{
    PyObject *list = applying_list();
    if (list == NULL)
        return NULL;
    return PyBool_FromLong(fast_at >= 0 && fast_at == PyList_GET_SIZE(list) - 1);
}

/* ``x`` and the float or int ``y`` through the shared constant of ``y`` in x's
 * dtype, if there is one (NULL without an error when not). */
static PyObject *
with_constant(FastOp *self, PyObject *x, PyObject *vx, PyObject *y)
{
    PyObject *dtype, *key, *t;
    if (PyArray_CheckExact(vx))
        dtype = Py_NewRef((PyObject *)PyArray_DESCR((PyArrayObject *)vx));
    else if ((dtype = (PyObject *)PyArray_DescrFromScalar(vx)) == NULL)
        return NULL;
    key = PyTuple_Pack(2, y, dtype);
    Py_DECREF(dtype);
    if (key == NULL)
        return NULL;
    t = PyDict_GetItemWithError(self->scalars, key);
    Py_DECREF(key);
    return t == NULL ? NULL : apply_to(self, x, t);
}

/* The op applied, or NULL: with an error set if it failed, without one if the
 * case is not the common one. */
static PyObject *
fast_path(FastOp *self, PyObject *const *args)
{
    PyObject *x = args[0], *vx, *vy, *kx;
    int r;
    if ((vx = operand_value(x, self->arity == 2)) == NULL)
        return NULL;
    kx = value_key(vx);
    if ((r = PyDict_Contains(self->accepted, kx)) <= 0)
        return NULL;
    if (self->arity == 1)
        return apply_to(self, x, NULL);
    if ((vy = operand_value(args[1], 1)) != NULL) {
        if (value_key(vy) != kx)
            return NULL;
        if (self->matmul && !(PyArray_CheckExact(vx) && PyArray_CheckExact(vy)
                              && PyArray_NDIM((PyArrayObject *)vx) == 2
                              && PyArray_NDIM((PyArrayObject *)vy) == 2
                              && PyArray_DIMS((PyArrayObject *)vx)[1]
                                 == PyArray_DIMS((PyArrayObject *)vy)[0]))
            return NULL;
        return apply_to(self, x, args[1]);
    }
    if (self->scalars != Py_None && (PyFloat_CheckExact(args[1]) || PyLong_CheckExact(args[1])))
        return with_constant(self, x, vx, args[1]);
    return NULL;
}

static PyObject *
fast_call(FastOp *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (kwnames == NULL && PyVectorcall_NARGS(nargsf) == self->arity
            && !PyObject_IsTrue(PyList_GET_ITEM(foreign, 0))) {
        PyObject *out = fast_path(self, args);
        if (out != NULL || PyErr_Occurred())
            return out;
    }
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
fast_get(PyObject *self, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None)
        return Py_NewRef(self);
    return PyMethod_New(self, obj);
}

/* Every other attribute (``op``, ``with_fallback``, ...) is the Python function's. */
static PyObject *
fast_getattro(FastOp *self, PyObject *name)
{
    PyObject *got = PyObject_GenericGetAttr((PyObject *)self, name);
    if (got != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError))
        return got;
    PyErr_Clear();
    return PyObject_GetAttr(self->fallback, name);
}

static PyObject *
fast_attr(FastOp *self, void *name)
{
    return PyObject_GetAttrString(self->fallback, (const char *)name);
}

static PyObject *
fast_wrapped(FastOp *self, void *unused)
{
    return Py_NewRef(self->fallback);
}

static PyObject *
fast_repr(FastOp *self)
{
    return PyObject_Repr(self->fallback);
}

static PyObject *
fast_reduce(FastOp *self, PyObject *unused)
{
    return PyObject_GetAttrString(self->fallback, "__qualname__");  /* by its module's name */
}

static int
fast_traverse(FastOp *self, visitproc visit, void *arg)
{
    Py_VISIT(self->op);
    Py_VISIT(self->accepted);
    Py_VISIT(self->scalars);
    Py_VISIT(self->params);
    Py_VISIT(self->fallback);
    return 0;
}

static int
fast_clear(FastOp *self)
{
    Py_CLEAR(self->op);
    Py_CLEAR(self->accepted);
    Py_CLEAR(self->scalars);
    Py_CLEAR(self->params);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
fast_dealloc(FastOp *self)
{
    PyObject_GC_UnTrack(self);
    fast_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyGetSetDef fast_getset[] = {
    {"__doc__", (getter)fast_attr, NULL, NULL, "__doc__"},
    {"__name__", (getter)fast_attr, NULL, NULL, "__name__"},
    {"__qualname__", (getter)fast_attr, NULL, NULL, "__qualname__"},
    {"__module__", (getter)fast_attr, NULL, NULL, "__module__"},
    {"__wrapped__", (getter)fast_wrapped, NULL, NULL, NULL},
    {NULL}};

static PyMethodDef fast_methods[] = {
    {"__reduce__", (PyCFunction)fast_reduce, METH_NOARGS, NULL},
    {NULL}};

static PyTypeObject FastOpType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gradtape.FastOp",
    .tp_basicsize = sizeof(FastOp),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL
                | Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_vectorcall_offset = offsetof(FastOp, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_descr_get = fast_get,
    .tp_getattro = (getattrofunc)fast_getattro,
    .tp_repr = (reprfunc)fast_repr,
    .tp_traverse = (traverseproc)fast_traverse,
    .tp_clear = (inquiry)fast_clear,
    .tp_dealloc = (destructor)fast_dealloc,
    .tp_getset = fast_getset,
    .tp_methods = fast_methods,
    .tp_doc = "A public op function with its common case in C (see _apply.c).",
};

static PyObject *
fast_op(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"op", "accepted", "fallback", "arity", "scalars", "params", "matmul",
                            NULL};
    PyObject *op, *accepted, *fallback, *scalars = Py_None, *params = NULL;
    int arity, matmul = 0;
    FastOp *self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!Oi|OO!p", names, &op, &PyDict_Type,
                                     &accepted, &fallback, &arity, &scalars, &PyDict_Type,
                                     &params, &matmul))
        return NULL;
    if (arity != 1 && arity != 2) {
        PyErr_SetString(PyExc_ValueError, "fast_op: arity must be 1 or 2");
        return NULL;
    }
    if ((self = PyObject_GC_New(FastOp, &FastOpType)) == NULL)
        return NULL;
    self->vectorcall = (vectorcallfunc)fast_call;
    self->op = Py_NewRef(op);
    self->accepted = Py_NewRef(accepted);
    self->scalars = Py_NewRef(scalars);
    self->params = params != NULL ? Py_NewRef(params) : PyDict_New();
    self->fallback = Py_NewRef(fallback);
    self->arity = arity;
    self->matmul = matmul;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}
#endif

static PyObject *
applying(PyObject *module, PyObject *unused)
{
    PyObject *list = applying_list();
    if (list == NULL)
        return NULL;
    return PyList_GetSlice(list, 0, PyList_GET_SIZE(list));
}

static PyObject *
install(PyObject *module, PyObject *args)
{
    PyObject *op_type, *tensor, *state;
    if (!PyArg_ParseTuple(args, "O!O!OOOOOOO", &PyType_Type, &op_type, &PyType_Type, &tensor,
                          &state, &next_uid, &python_apply, &any_namespace, &failed, &wrap_all,
                          &raw_errors))
        return NULL;
    if ((off_numpy_impl = slot_offset(op_type, "numpy_impl")) < 0
            || (off_multi = slot_offset(op_type, "multi")) < 0
            || (off_value = slot_offset(tensor, "_value")) < 0
            || (off_uid = slot_offset(tensor, "_uid")) < 0)
        return NULL;
    if ((active = PyObject_GetAttrString(state, "active")) == NULL
            || (foreign = PyObject_GetAttrString(state, "foreign")) == NULL
            || (local = PyObject_GetAttrString(state, "local")) == NULL)
        return NULL;
    if (!PyList_CheckExact(active) || PyList_GET_SIZE(active) != 1
            || !PyList_CheckExact(foreign) || PyList_GET_SIZE(foreign) != 1) {
        PyErr_SetString(PyExc_TypeError, "state.active and state.foreign must be one-item lists");
        return NULL;
    }
    tensor_type = (PyTypeObject *)Py_NewRef(tensor);
    Py_INCREF(next_uid);
    Py_INCREF(python_apply);
    Py_INCREF(any_namespace);
    Py_INCREF(failed);
    Py_INCREF(wrap_all);
    Py_INCREF(raw_errors);
    Py_RETURN_NONE;
}

static PyObject *
install_reads(PyObject *module, PyObject *args)
{
    PyObject *var, *tape;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyType_Type, &var, &PyType_Type, &tape,
                          &PyDict_Type, &inexact_dtypes))
        return NULL;
    if ((off_var_value = slot_offset(var, "_value")) < 0
            || (off_var_uid = slot_offset(var, "_uid")) < 0
            || (off_var_trainable = slot_offset(var, "_trainable")) < 0
            || (off_tape_variables = slot_offset(tape, "variables")) < 0
            || (off_tape_tracked = slot_offset(tape, "tracked")) < 0
            || (off_tape_watch = slot_offset(tape, "watch_accessed")) < 0)
        return NULL;
    Py_INCREF(inexact_dtypes);
    tape_type = (PyTypeObject *)Py_NewRef(tape);
    variable_type = (PyTypeObject *)Py_NewRef(var);  /* last: it turns the fast path on */
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"wrap", wrap_value, METH_O,
     "wrap(value): a new Tensor around an array the caller owns (tensor.wrap in C)."},
#ifdef GRADTAPE_NUMPY
    {"applied_fast", applied_fast, METH_NOARGS,
     "Whether the innermost op being applied was applied by a fast_op (from the user's frame)."},
    {"fast_op", (PyCFunction)(void (*)(void))fast_op, METH_VARARGS | METH_KEYWORDS,
     "fast_op(op, accepted, fallback, arity, scalars=None, params={}, matmul=False): the "
     "public function ``fallback`` with its common case in C."},
#endif
    {"install_reads", install_reads, METH_VARARGS,
     "install_reads(Variable, TapeRecorder, inexact_dtypes): read a Variable under plain "
     "tapes in C (Variable._read_under's common case)."},
    {"install", install, METH_VARARGS,
     "install(Op, Tensor, state, next_uid, python_apply, apply_any_namespace, failed, "
     "wrap_all, raw_errors)"},
    {"apply", (PyCFunction)(void (*)(void))apply, METH_FASTCALL,
     "apply($module, op, inputs, params, /)\n--\n\n"
     "Run ``op`` on ``inputs`` (Tensors or Variables) and record it: a Tensor, or a\n"
     "tuple of Tensors for a multi-output op.  With no recorder active anywhere it\n"
     "only computes and wraps.  (The C form of ``gradtape._core.trace.python_apply``.)\n\n"
     ">>> import gradtape as tf\n"
     ">>> from gradtape.extend import OPS, apply\n"
     ">>> apply(OPS[\"multiply\"], (tf.constant(2.0), tf.constant(3.0)), {}).numpy()\n"
     "6.0"},
    {"applying", applying, METH_NOARGS,
     "The ops this thread is applying, outermost first (a new list)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_apply",
    "The op dispatch in C (trace.py holds the reference).", -1, module_methods};

PyMODINIT_FUNC
PyInit__apply(void)
{
    if ((s_stack = PyUnicode_InternFromString("stack")) == NULL
            || (s_record = PyUnicode_InternFromString("record")) == NULL
            || (s_read_under = PyUnicode_InternFromString("_read_under")) == NULL
            || (s_value = PyUnicode_InternFromString("_value")) == NULL
            || (s_dtype = PyUnicode_InternFromString("dtype")) == NULL
            || (s_applying = PyUnicode_InternFromString("gradtape.applying")) == NULL)
        return NULL;
#ifdef GRADTAPE_NUMPY
    import_array();
    if (PyType_Ready(&FastOpType) < 0)
        return NULL;
#endif
    return PyModule_Create(&module_def);
}
