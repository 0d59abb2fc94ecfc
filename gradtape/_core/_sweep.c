/* The first-order backward sweep's loop in C: the tape's cost per entry swept.
 *
 * reverse.py's ``python_sweep_arrays`` is the reference; ``sweep`` below takes
 * the same steps in the same order (see it for the why of each): entries in
 * reverse, an entry's output cotangent looked up by id, its NumPy VJPs called
 * for the live inputs, each result unbroadcast and cast to its input's dtype,
 * and summed into the input's cotangent (in place when the sum is ours).
 * What is rare stays in Python and is called from here: a multi-output op's
 * cotangents, a Tensor VJP, undoing broadcasting, dropping a multi-output op's
 * consumed cotangents.  ``GRADTAPE_PURE_PYTHON=1`` keeps the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_slots.h"
#ifdef GRADTAPE_NUMPY  /* NumPy's headers were there at build time: read arrays directly */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#endif

#define SMALL 8  /* inputs whose values fit on the C stack; more are allocated */

static Py_ssize_t off_vjps, off_numpy_vjps, off_real_numpy_vjps;  /* Op */
static Py_ssize_t off_value;                                        /* Tensor */
static PyTypeObject *tensor_type, *ndarray_type, *meta_type;
static PyObject *multi_ct;      /* reverse._array_cts over an entry's outputs */
static PyObject *tensor_vjp;    /* reverse._tensor_vjp: a Tensor VJP's result as an array */
static PyObject *unbroadcast;   /* reverse.unbroadcast */
static PyObject *drop_multi;    /* reverse._drop_consumed */
static PyObject *pass_through;  /* reverse.pass_through: the rule that returns ct */
static PyObject *negated;       /* reverse.negated: the rule that returns -ct */
/* matmul's NumPy rules and its plain parameters (``know_matmul``): for two matrices
 * the rules are one product with a transposed view, made here without a call */
static PyObject *matmul_a, *matmul_b, *plain_matmul;
/* tanh's NumPy rule (``know_tanh``): ``ct * (1 - ans * ans)``, made here for two
 * arrays of one shape and dtype with the rule's own three ufunc calls */
static PyObject *tanh_rule, *np_square, *np_subtract, *out_keyword;
/* relu's NumPy rule (``know_relu``): ``ct`` times the mask ``ans > 0`` as 0/1 of the
 * dtype, made here for two arrays of one shape and dtype */
static PyObject *relu_rule, *np_greater;
static PyObject *zero, *one;    /* the ints 0 (unbroadcast's nbatch) and 1 */
static int blas_sums;           /* backend.DOT_REPORTS_OVERFLOW: sums over rows as gemv */
static PyObject *s_shape, *s_dtype, *s_kind, *s_astype;

/* ``fast[i]`` or ``op.vjps[i]`` as a borrowed reference (NULL with an error set if
 * ``i`` is out of range; None is returned as is). */
static PyObject *
item(PyObject *rules, Py_ssize_t i)
{
    if (PyTuple_CheckExact(rules) && i < PyTuple_GET_SIZE(rules))
        return PyTuple_GET_ITEM(rules, i);
    PyErr_Format(PyExc_TypeError, "an op's VJP rules must be a tuple with one per input");
    return NULL;
}

/* ``rule(ct, av, *values, **params)`` (a new reference); ``args`` has room for
 * three pointers before the ``n`` values and MAX_PARAMS after them. */
static PyObject *
call_rule(PyObject *rule, PyObject *ct, PyObject *av, PyObject **args, Py_ssize_t n,
          PyObject *params)
{
    args[0] = NULL;  /* PY_VECTORCALL_ARGUMENTS_OFFSET: a bound call may use it */
    args[1] = ct;
    args[2] = av;
    return call_with_params(rule, args + 1, n + 2, params);
}

#ifdef GRADTAPE_NUMPY
#define MAX_LEADING 4
static Py_ssize_t off_meta_shape, off_meta_dtype;  /* Meta */
static PyObject *add_reduce;                       /* numpy.add.reduce */
static PyObject *leading_axes[MAX_LEADING + 1];    /* (), (0,), (0, 1), ... */
static PyObject *axis_dtype;                       /* the keywords ("axis", "dtype") */

/* How many leading axes of ``g`` broadcasting added to input value ``x`` (an array
 * or a Meta) of the same dtype: 0 when the two match, -1 when the case is not
 * that simple (another dtype, a broadcast size-1 axis, another kind of value). */
static Py_ssize_t
added_axes(PyArrayObject *g, PyObject *x)
{
    int gnd = PyArray_NDIM(g);
    npy_intp *gdims = PyArray_DIMS(g);
    if (PyArray_CheckExact(x)) {
        PyArrayObject *a = (PyArrayObject *)x;
        int nd = PyArray_NDIM(a);
        if (PyArray_DESCR(a) != PyArray_DESCR(g) || nd > gnd)
            return -1;
        for (int i = 0; i < nd; i++)
            if (PyArray_DIMS(a)[i] != gdims[gnd - nd + i])
                return -1;
        return gnd - nd;
    }
    if (Py_TYPE(x) == meta_type) {
        PyObject *shape = SLOT(x, off_meta_shape);
        Py_ssize_t nd;
        if (shape == NULL || !PyTuple_CheckExact(shape)
                || SLOT(x, off_meta_dtype) != (PyObject *)PyArray_DESCR(g)
                || (nd = PyTuple_GET_SIZE(shape)) > gnd)
            return -1;
        for (Py_ssize_t i = 0; i < nd; i++) {
            PyObject *d = PyTuple_GET_ITEM(shape, i);
            if (!PyLong_CheckExact(d) || PyLong_AsSsize_t(d) != gdims[gnd - nd + i]) {
                PyErr_Clear();  /* (an overflow: not a size this array has) */
                return -1;
            }
        }
        return gnd - nd;
    }
    return -1;
}

/* A read-only vector of ``n`` ones of ``type_num``, from a few kept (borrowed). */
#define KEPT_ONES 8
static struct { npy_intp n; int type_num; PyObject *ones; } kept_ones[KEPT_ONES];
static int kept_next;

static PyObject *
ones_of(npy_intp n, int type_num)
{
    PyObject *ones;
    for (int i = 0; i < KEPT_ONES; i++)
        if (kept_ones[i].ones != NULL && kept_ones[i].n == n && kept_ones[i].type_num == type_num)
            return kept_ones[i].ones;
    if ((ones = PyArray_ZEROS(1, &n, type_num, 0)) == NULL)
        return NULL;
    if (PyArray_FillWithScalar((PyArrayObject *)ones, one) < 0) {
        Py_DECREF(ones);
        return NULL;
    }
    Py_XSETREF(kept_ones[kept_next].ones, ones);
    kept_ones[kept_next].n = n;
    kept_ones[kept_next].type_num = type_num;
    kept_next = (kept_next + 1) % KEPT_ONES;
    return ones;
}

/* ``gv`` (stolen, float32 or float64, not empty) summed over its ``k`` leading
 * axes: ``reverse.sum_leading``, the product of a vector of ones and ``gv`` as
 * rows, reshaped to the remaining axes. */
static PyObject *
sum_rows(PyArrayObject *gv, Py_ssize_t k)
{
    npy_intp rows = 1, two[2], kept[NPY_MAXDIMS];
    int nd = PyArray_NDIM(gv);
    /* (the remaining axes copied: gv may be freed before the last reshape) */
    PyArray_Dims as_rows = {two, 2}, rest = {kept, nd - (int)k};
    PyObject *ones, *matrix, *out;
    memcpy(kept, PyArray_DIMS(gv) + k, (nd - k) * sizeof(npy_intp));
    for (Py_ssize_t i = 0; i < k; i++)
        rows *= PyArray_DIMS(gv)[i];
    two[0] = rows;
    two[1] = PyArray_SIZE(gv) / rows;
    ones = ones_of(rows, PyArray_TYPE(gv));
    matrix = ones == NULL ? NULL : PyArray_Newshape(gv, &as_rows, NPY_CORDER);
    Py_DECREF(gv);
    if (matrix == NULL)
        return NULL;
    out = PyArray_MatrixProduct2(ones, matrix, NULL);
    Py_DECREF(matrix);
    if (out != NULL && nd - k != 1)
        Py_SETREF(out, PyArray_Newshape((PyArrayObject *)out, &rest, NPY_CORDER));
    return out;
}

/* ``gv`` (stolen) summed over its ``k`` leading axes, as ``reverse.unbroadcast``
 * sums them: by ``sum_rows`` for float32 and float64, else
 * ``numpy.add.reduce(gv, axis=(0, ..., k - 1), dtype=gv.dtype)``. */
static PyObject *
sum_leading(PyObject *gv, Py_ssize_t k)
{
    int type = PyArray_TYPE((PyArrayObject *)gv);
    PyObject *args[4] = {NULL, gv, leading_axes[k], (PyObject *)PyArray_DESCR((PyArrayObject *)gv)};
    PyObject *sum;
    if (blas_sums && (type == NPY_FLOAT || type == NPY_DOUBLE)
            && PyArray_ISNBO(PyArray_DESCR((PyArrayObject *)gv)->byteorder)
            && PyArray_SIZE((PyArrayObject *)gv) > 0)
        return sum_rows((PyArrayObject *)gv, k);
    sum = PyObject_Vectorcall(add_reduce, args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                              axis_dtype);
    Py_DECREF(gv);
    return sum;
}
#endif

/* ``gv`` unbroadcast to ``x``'s shape and cast to its dtype when it is floating
 * (steals ``gv``; a new reference). */
static PyObject *
fit_to_input(PyObject *gv, PyObject *x)
{
    PyObject *gshape, *xshape, *gdtype, *xdtype;
    int differ;
    if (Py_TYPE(gv) == Py_TYPE(x) && Py_TYPE(gv) != ndarray_type)
        return gv;  /* two NumPy scalars of one type match */
#ifdef GRADTAPE_NUMPY
    if (PyArray_CheckExact(gv)) {  /* the usual cases, without reading attributes */
        Py_ssize_t k = added_axes((PyArrayObject *)gv, x);
        if (k == 0)
            return gv;
        if (k > 0 && k <= MAX_LEADING)
            return sum_leading(gv, k);
    }
#endif
    if ((gshape = PyObject_GetAttr(gv, s_shape)) == NULL)
        goto fail;
    if ((xshape = PyObject_GetAttr(x, s_shape)) == NULL) {
        Py_DECREF(gshape);
        goto fail;
    }
    differ = PyObject_RichCompareBool(gshape, xshape, Py_NE);
    Py_DECREF(gshape);
    if (differ > 0) {
        PyObject *args[3] = {gv, xshape, zero};
        Py_SETREF(gv, PyObject_Vectorcall(unbroadcast, args, 3, NULL));
    }
    Py_DECREF(xshape);
    if (differ < 0 || gv == NULL)
        goto fail;
    if ((gdtype = PyObject_GetAttr(gv, s_dtype)) == NULL)
        goto fail;
    if ((xdtype = PyObject_GetAttr(x, s_dtype)) == NULL) {
        Py_DECREF(gdtype);
        goto fail;
    }
    differ = gdtype != xdtype ? PyObject_RichCompareBool(gdtype, xdtype, Py_NE) : 0;
    Py_DECREF(gdtype);
    if (differ > 0) {
        PyObject *kind = PyObject_GetAttr(xdtype, s_kind);
        int inexact = kind != NULL && PyUnicode_Check(kind) && PyUnicode_GET_LENGTH(kind) == 1
                      && (PyUnicode_READ_CHAR(kind, 0) == 'f' || PyUnicode_READ_CHAR(kind, 0) == 'c');
        Py_XDECREF(kind);
        if (kind == NULL)
            differ = -1;
        else if (inexact)
            Py_SETREF(gv, PyObject_CallMethodOneArg(gv, s_astype, xdtype));
    }
    Py_DECREF(xdtype);
    if (differ < 0 || gv == NULL)
        goto fail;
    return gv;
fail:
    Py_XDECREF(gv);
    return NULL;
}

#ifdef GRADTAPE_NUMPY
static int
two_matrices(PyObject *x, PyObject *y)
{
    return PyArray_CheckExact(x) && PyArray_CheckExact(y) && PyArray_NDIM((PyArrayObject *)x) == 2
           && PyArray_NDIM((PyArrayObject *)y) == 2;
}

/* Two arrays of one shape and dtype. */
static int
same_arrays(PyObject *x, PyObject *y)
{
    PyArrayObject *a = (PyArrayObject *)x, *b = (PyArrayObject *)y;
    return PyArray_CheckExact(x) && PyArray_CheckExact(y) && PyArray_DESCR(a) == PyArray_DESCR(b)
           && PyArray_NDIM(a) == PyArray_NDIM(b)
           && memcmp(PyArray_DIMS(a), PyArray_DIMS(b), PyArray_NDIM(a) * sizeof(npy_intp)) == 0;
}

/* A 0-d array of ``value`` (0 or 1) in ``descr``'s dtype, as
 * ``backend.constant_like(value, dtype)`` (kept per dtype; borrowed). */
static PyObject *
constant_like(PyObject *value, PyArray_Descr *descr)
{
    static PyObject *kept[2];  /* dtype -> the 0-d array of 0, of 1 */
    PyObject **by_dtype = &kept[value == one], *c;
    if (*by_dtype == NULL && (*by_dtype = PyDict_New()) == NULL)
        return NULL;
    if ((c = PyDict_GetItemWithError(*by_dtype, (PyObject *)descr)) != NULL || PyErr_Occurred())
        return c;
    Py_INCREF(descr);
    if ((c = PyArray_Zeros(0, NULL, descr, 0)) == NULL)
        return NULL;
    if (PyArray_FillWithScalar((PyArrayObject *)c, value) < 0
            || PyDict_SetItem(*by_dtype, (PyObject *)descr, c) < 0) {
        Py_DECREF(c);
        return NULL;
    }
    Py_DECREF(c);
    return c;
}

/* nn's ``_relu_numpy_vjp`` for arrays: ``greater(ans, 0)`` as 0/1 of the dtype,
 * times ``ct`` in place (the same values, bit for bit). */
static PyObject *
relu_product(PyObject *ct, PyObject *ans)
{
    PyArray_Descr *descr = PyArray_DESCR((PyArrayObject *)ans);
    PyObject *zero_0d = constant_like(zero, descr), *mask, *out, *r;
    if (zero_0d == NULL || (mask = PyObject_CallFunctionObjArgs(np_greater, ans, zero_0d,
                                                                NULL)) == NULL)
        return NULL;
    if (!PyArray_CheckExact(mask)) {
        Py_DECREF(mask);
        PyErr_SetString(PyExc_TypeError, "relu's mask is not an array");
        return NULL;
    }
    Py_INCREF(descr);
    out = PyArray_FromArray((PyArrayObject *)mask, descr, NPY_ARRAY_ENSURECOPY);
    Py_DECREF(mask);
    if (out == NULL)
        return NULL;
    r = PyNumber_InPlaceMultiply(out, ct);
    Py_DECREF(out);
    return r;
}

/* elementwise's ``_tanh_numpy_vjp`` for arrays: ``d = square(ans)``,
 * ``subtract(1, d, out=d)``, ``d *= ct`` (the same calls, bit for bit). */
static PyObject *
tanh_product(PyObject *ct, PyObject *ans)
{
    PyObject *d = PyObject_CallOneArg(np_square, ans), *one_0d, *r;
    if (d == NULL || (one_0d = constant_like(one, PyArray_DESCR((PyArrayObject *)d))) == NULL) {
        Py_XDECREF(d);
        return NULL;
    }
    PyObject *args[4] = {NULL, one_0d, d, d};
    r = PyObject_Vectorcall(np_subtract, args + 1, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                            out_keyword);
    if (r == NULL) {
        Py_DECREF(d);
        return NULL;
    }
    Py_DECREF(r);
    r = PyNumber_InPlaceMultiply(d, ct);
    Py_DECREF(d);
    return r;
}

/* linalg's ``_matmul_numpy_vjp_a`` (``ct.dot(b.T)``) or ``_b`` (``a.T.dot(ct)``)
 * for matrices: the same product, bit for bit. */
static PyObject *
matrix_rule(int for_a, PyObject *ct, PyObject *a, PyObject *b)
{
    PyObject *t = PyArray_Transpose((PyArrayObject *)(for_a ? b : a), NULL), *out;
    if (t == NULL)
        return NULL;
    out = for_a ? PyArray_MatrixProduct2(ct, t, NULL) : PyArray_MatrixProduct2(t, ct, NULL);
    Py_DECREF(t);
    return out;
}
#endif

/* Add ``gv`` (stolen) to the cotangent of ``u`` in ``cts``. */
static int
accumulate(PyObject *cts, PyObject *owned, PyObject *u, PyObject *gv)
{
    PyObject *prev = PyDict_GetItemWithError(cts, u), *sum;
    int r, is_array;
    if (prev == NULL) {
        if (PyErr_Occurred()) {
            Py_DECREF(gv);
            return -1;
        }
        r = PyDict_SetItem(cts, u, gv);
        Py_DECREF(gv);
        return r;
    }
    is_array = Py_TYPE(prev) == ndarray_type;  /* else NumPy scalars: the fast add */
    if (is_array) {
        r = PySet_Contains(owned, u);
        if (r < 0) {
            Py_DECREF(gv);
            return -1;
        }
        if (r) {  /* a sum made here: ours to update in place */
            sum = PyNumber_InPlaceAdd(prev, gv);
            Py_DECREF(gv);
            Py_XDECREF(sum);
            return sum == NULL ? -1 : 0;
        }
    }
    sum = PyNumber_Add(prev, gv);
    Py_DECREF(gv);
    if (sum == NULL)
        return -1;
    r = PyDict_SetItem(cts, u, sum);
    Py_DECREF(sum);
    return r < 0 || !is_array ? r : PySet_Add(owned, u);
}

/* One entry's VJPs: its live inputs' cotangents summed into ``cts``; ``args`` has
 * room for the entry's inputs and three more pointers. */
static int
sweep_entry(PyObject *entry, PyObject *ct, PyObject *cts, PyObject *owned, PyObject *live,
            int complex_seen, PyObject **args)
{
    PyObject *op = PyTuple_GET_ITEM(entry, 0), *in_uids = PyTuple_GET_ITEM(entry, 1),
             *saved = PyTuple_GET_ITEM(entry, 2), *ans = PyTuple_GET_ITEM(entry, 4),
             *params = PyTuple_GET_ITEM(entry, 5), *out_meta = PyTuple_GET_ITEM(entry, 6);
    PyObject *fast = SLOT(op, complex_seen ? off_numpy_vjps : off_real_numpy_vjps);
    PyObject **values = args + 3, *av = Py_None;
    Py_ssize_t n = PyTuple_GET_SIZE(saved);
    if (fast == NULL || SLOT(op, off_vjps) == NULL) {
        PyErr_SetString(PyExc_AttributeError, "an op without its VJP rules");
        return -1;
    }
    if (ans != Py_None && fast != Py_None && (av = SLOT(ans, off_value)) == NULL) {
        PyErr_SetString(PyExc_AttributeError, "a saved output without a value");
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {  /* borrowed: ``saved`` holds them */
        PyObject *x = PyTuple_GET_ITEM(saved, k);
        values[k] = Py_TYPE(x) == meta_type ? x : SLOT(x, off_value);
        if (values[k] == NULL) {
            PyErr_SetString(PyExc_AttributeError, "a saved input without a value");
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *u = PyTuple_GET_ITEM(in_uids, i), *rule, *gv;
        int r = PySet_Contains(live, u);
        if (r <= 0) {
            if (r < 0)
                return -1;
            continue;
        }
        rule = fast == Py_None ? Py_None : item(fast, i);
        if (rule == NULL)
            return -1;
        if (rule == pass_through) {
            gv = Py_NewRef(ct);
        }
#ifdef GRADTAPE_NUMPY
        else if (rule == tanh_rule && same_arrays(ct, av)) {
            gv = tanh_product(ct, av);
        }
        else if (rule == relu_rule && same_arrays(ct, av)) {
            gv = relu_product(ct, av);
        }
        else if ((rule == matmul_a || rule == matmul_b) && params == plain_matmul && n == 2
                 && two_matrices(ct, values[rule == matmul_a ? 1 : 0])) {
            gv = matrix_rule(rule == matmul_a, ct, values[0], values[1]);
        }
#endif
        else if (rule == negated) {
            gv = PyNumber_Negative(ct);
        }
        else if (rule != Py_None) {
            gv = call_rule(rule, ct, av, args, n, params);
        }
        else {
            PyObject *vjp = item(SLOT(op, off_vjps), i);
            if (vjp == NULL)
                return -1;
            if (vjp == Py_None)
                continue;
            PyObject *args[6] = {vjp, ct, out_meta, ans, saved, params};
            gv = PyObject_Vectorcall(tensor_vjp, args, 6, NULL);
            if (gv == Py_None) {
                Py_DECREF(gv);
                continue;
            }
        }
        if (gv == NULL || (gv = fit_to_input(gv, values[i])) == NULL
                || accumulate(cts, owned, u, gv) < 0)
            return -1;
    }
    return 0;
}

static PyObject *
sweep(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *entries, *cts, *owned, *live, *keep, *current;
    int persistent, complex_seen;
    if (nargs != 8 || !PyList_CheckExact(args[0]) || !PyDict_CheckExact(args[1])
            || !PySet_Check(args[2]) || !PyAnySet_Check(args[3]) || !PyAnySet_Check(args[4])
            || !PyList_CheckExact(args[7]) || PyList_GET_SIZE(args[7]) != 1) {
        PyErr_SetString(PyExc_TypeError, "sweep(entries, cts, owned, live, keep, persistent, "
                                         "complex_seen, current)");
        return NULL;
    }
    entries = args[0], cts = args[1], owned = args[2], live = args[3], keep = args[4];
    current = args[7];
    if ((persistent = PyObject_IsTrue(args[5])) < 0
            || (complex_seen = PyObject_IsTrue(args[6])) < 0)
        return NULL;
    for (Py_ssize_t idx = PyList_GET_SIZE(entries) - 1; idx >= 0; idx--) {
        PyObject *entry, *outs, *out_meta, *ct, *small[SMALL + 3 + MAX_PARAMS], **args;
        Py_ssize_t n;
        int failed;
        if (idx >= PyList_GET_SIZE(entries))  /* a VJP shortened the tape */
            continue;
        entry = PyList_GET_ITEM(entries, idx);
        if (entry == Py_None)
            continue;
        if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) < 7
                || !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, 1))
                || !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, 2))
                || PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 1))
                   != PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 2))) {
            PyErr_SetString(PyExc_TypeError, "a tape entry the C sweep cannot read");
            return NULL;
        }
        outs = PyTuple_GET_ITEM(entry, 3);
        out_meta = PyTuple_GET_ITEM(entry, 6);
        if (out_meta == Py_None) {
            ct = PyDict_GetItemWithError(cts, outs);
            if (ct == NULL) {
                if (PyErr_Occurred())
                    return NULL;
                continue;
            }
            Py_INCREF(ct);
        }
        else {
            PyObject *call[3] = {cts, outs, out_meta};
            ct = PyObject_Vectorcall(multi_ct, call, 3, NULL);
            if (ct == NULL)
                return NULL;
            if (ct == Py_None) {
                Py_DECREF(ct);
                continue;
            }
        }
        Py_INCREF(entry);  /* ours while its VJPs run, as the tape may drop it */
        if (!persistent && PyList_SetItem(entries, idx, Py_NewRef(Py_None)) < 0) {
            Py_DECREF(entry);
            Py_DECREF(ct);
            return NULL;
        }
        Py_INCREF(PyTuple_GET_ITEM(entry, 0));  /* the op being differentiated, for warnings */
        PyList_SetItem(current, 0, PyTuple_GET_ITEM(entry, 0));
        n = PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 2));
        args = n <= SMALL ? small : PyMem_Malloc((n + 3 + MAX_PARAMS) * sizeof(PyObject *));
        failed = args == NULL ? (PyErr_NoMemory(), -1)
                              : sweep_entry(entry, ct, cts, owned, live, complex_seen, args);
        if (args != small)
            PyMem_Free(args);
        Py_DECREF(ct);
        if (!failed) {
            if (out_meta != Py_None) {
                PyObject *call[4] = {cts, outs, out_meta, keep};
                PyObject *r = PyObject_Vectorcall(drop_multi, call, 4, NULL);
                failed = r == NULL;
                Py_XDECREF(r);
            }
            else {
                int kept = PySet_Contains(keep, outs);
                failed = kept < 0 || (!kept && PyDict_DelItem(cts, outs) < 0);
            }
        }
        Py_DECREF(entry);
        if (failed)
            return NULL;
    }
    Py_INCREF(cts);
    return cts;
}

static PyObject *
install(PyObject *module, PyObject *args)
{
    PyObject *op_type, *tensor, *ndarray, *meta;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OOOOOOp", &PyType_Type, &op_type, &PyType_Type, &tensor,
                          &PyType_Type, &ndarray, &PyType_Type, &meta, &multi_ct, &tensor_vjp,
                          &unbroadcast, &drop_multi, &pass_through, &negated, &blas_sums))
        return NULL;
    if ((off_vjps = slot_offset(op_type, "vjps")) < 0
            || (off_numpy_vjps = slot_offset(op_type, "numpy_vjps")) < 0
            || (off_real_numpy_vjps = slot_offset(op_type, "real_numpy_vjps")) < 0
            || (off_value = slot_offset(tensor, "_value")) < 0)
        return NULL;
#ifdef GRADTAPE_NUMPY
    if ((off_meta_shape = slot_offset(meta, "shape")) < 0
            || (off_meta_dtype = slot_offset(meta, "dtype")) < 0)
        return NULL;
#endif
    tensor_type = (PyTypeObject *)Py_NewRef(tensor);
    ndarray_type = (PyTypeObject *)Py_NewRef(ndarray);
    meta_type = (PyTypeObject *)Py_NewRef(meta);
    Py_INCREF(multi_ct);
    Py_INCREF(tensor_vjp);
    Py_INCREF(unbroadcast);
    Py_INCREF(drop_multi);
    Py_INCREF(pass_through);
    Py_INCREF(negated);
    Py_RETURN_NONE;
}

static PyObject *
know_matmul(PyObject *module, PyObject *args)
{
    PyObject *a, *b, *plain;
    if (!PyArg_ParseTuple(args, "OOO!", &a, &b, &PyDict_Type, &plain))
        return NULL;
    Py_XSETREF(matmul_a, Py_NewRef(a));
    Py_XSETREF(matmul_b, Py_NewRef(b));
    Py_XSETREF(plain_matmul, Py_NewRef(plain));
    Py_RETURN_NONE;
}

static PyObject *
know_tanh(PyObject *module, PyObject *rule)
{
    Py_XSETREF(tanh_rule, Py_NewRef(rule));
    Py_RETURN_NONE;
}

static PyObject *
know_relu(PyObject *module, PyObject *rule)
{
    Py_XSETREF(relu_rule, Py_NewRef(rule));
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"know_relu", know_relu, METH_O,
     "know_relu(rule): relu's NumPy VJP rule, computed here for two arrays of one shape "
     "and dtype."},
    {"know_tanh", know_tanh, METH_O,
     "know_tanh(rule): tanh's NumPy VJP rule, computed here for two arrays of one shape "
     "and dtype."},
    {"know_matmul", know_matmul, METH_VARARGS,
     "know_matmul(rule_a, rule_b, plain_params): matmul's NumPy VJP rules, computed here "
     "for two matrices and the plain parameters."},
    {"install", install, METH_VARARGS,
     "install(Op, Tensor, ndarray, Meta, array_cts, tensor_vjp, unbroadcast, drop_consumed, "
     "pass_through, negated, blas_sums)"},
    {"sweep", (PyCFunction)(void (*)(void))sweep, METH_FASTCALL,
     "sweep(entries, cts, owned, live, keep, persistent, complex_seen, current): "
     "reverse.python_sweep_arrays's loop in C; returns cts."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_sweep",
    "The first-order backward sweep's loop in C (reverse.py holds the reference).", -1,
    module_methods};

PyMODINIT_FUNC
PyInit__sweep(void)
{
    if ((s_shape = PyUnicode_InternFromString("shape")) == NULL
            || (s_dtype = PyUnicode_InternFromString("dtype")) == NULL
            || (s_kind = PyUnicode_InternFromString("kind")) == NULL
            || (s_astype = PyUnicode_InternFromString("astype")) == NULL
            || (zero = PyLong_FromLong(0)) == NULL || (one = PyLong_FromLong(1)) == NULL)
        return NULL;
#ifdef GRADTAPE_NUMPY
    import_array();
    {
        PyObject *numpy = PyImport_ImportModule("numpy"), *add;
        if (numpy == NULL)
            return NULL;
        add = PyObject_GetAttrString(numpy, "add");
        np_square = PyObject_GetAttrString(numpy, "square");
        np_subtract = PyObject_GetAttrString(numpy, "subtract");
        np_greater = PyObject_GetAttrString(numpy, "greater");
        Py_DECREF(numpy);
        if (add == NULL || np_square == NULL || np_subtract == NULL || np_greater == NULL
                || (out_keyword = Py_BuildValue("(s)", "out")) == NULL)
            return NULL;
        add_reduce = PyObject_GetAttrString(add, "reduce");
        Py_DECREF(add);
        if (add_reduce == NULL
                || (axis_dtype = Py_BuildValue("(ss)", "axis", "dtype")) == NULL)
            return NULL;
        for (Py_ssize_t k = 0; k <= MAX_LEADING; k++) {
            if ((leading_axes[k] = PyTuple_New(k)) == NULL)
                return NULL;
            for (Py_ssize_t i = 0; i < k; i++)
                PyTuple_SET_ITEM(leading_axes[k], i, PyLong_FromSsize_t(i));
        }
    }
#endif
    return PyModule_Create(&module_def);
}
