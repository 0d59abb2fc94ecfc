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
    PyObject *small[SMALL + 1], **args, *impl = SLOT(op, off_numpy_impl), *out = NULL;
    int owned[SMALL], *own;
    Py_ssize_t got = 0;
    if (impl == NULL || impl == Py_None) {
        PyErr_SetString(PyExc_TypeError, "an op without NumPy code");
        return NULL;
    }
    args = n <= SMALL ? small : PyMem_Malloc((n + 1) * sizeof(PyObject *));
    own = n <= SMALL ? owned : PyMem_Malloc((n + 1) * sizeof(int));
    if (args == NULL || own == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; got < n; got++)
        if ((args[got + 1] = value_of(items[got], &own[got])) == NULL)
            goto done;
    if (PyDict_GET_SIZE(params) == 0)
        out = PyObject_Vectorcall(impl, args + 1, n | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    else
        out = PyObject_VectorcallDict(impl, args + 1, n, params);
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
    return PyModule_Create(&module_def);
}
