/* What the tape's C parts share: reading a __slots__ attribute of a Python class
 * at the offset its member descriptor gives (looked up once, at install), and
 * calling an op's code with its parameters as keywords. */
#ifndef GRADTAPE_SLOTS_H
#define GRADTAPE_SLOTS_H
#include <structmember.h>

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

/* The offset of a __slots__ attribute ``name`` of ``type`` (-1 and an error if none). */
static Py_ssize_t
slot_offset(PyObject *type, const char *name)
{
    PyObject *descr = PyObject_GetAttrString(type, name);
    Py_ssize_t offset = -1;
    if (descr == NULL)
        return -1;
    if (Py_TYPE(descr) == &PyMemberDescr_Type
            && ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX)
        offset = ((PyMemberDescrObject *)descr)->d_member->offset;
    else
        PyErr_Format(PyExc_TypeError, "%s is not a __slots__ attribute", name);
    Py_DECREF(descr);
    return offset;
}

#define MAX_PARAMS 8  /* keyword parameters passed without a dict; more go through one */

/* The keyword names of the parameter dict last passed (``kept_params``, only ever
 * compared by address): an op's usual parameters are one shared dict, so most
 * calls make no tuple of names. */
static PyObject *kept_names, *kept_params;

/* ``callable(*args[0:nargs], **params)``; ``args[-1]`` may be written
 * (PY_VECTORCALL_ARGUMENTS_OFFSET) and ``args`` has room for MAX_PARAMS more
 * items after the ``nargs`` arguments. */
static inline PyObject *
call_with_params(PyObject *callable, PyObject **args, Py_ssize_t nargs, PyObject *params)
{
    Py_ssize_t nkw, pos = 0, i = 0;
    PyObject *key, *value, *names, *out;
    int same;
    if (!PyDict_CheckExact(params) || (nkw = PyDict_GET_SIZE(params)) > MAX_PARAMS)
        return PyObject_VectorcallDict(callable, args, nargs, params);
    if (nkw == 0)
        return PyObject_Vectorcall(callable, args, nargs | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    same = params == kept_params && kept_names != NULL && PyTuple_GET_SIZE(kept_names) == nkw;
    while (PyDict_Next(params, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key))
            return PyObject_VectorcallDict(callable, args, nargs, params);
        if (same && PyTuple_GET_ITEM(kept_names, i) != key)
            same = 0;
        args[nargs + i++] = value;
    }
    if (!same) {
        if ((names = PyTuple_New(nkw)) == NULL)
            return NULL;
        pos = i = 0;
        while (PyDict_Next(params, &pos, &key, &value))
            PyTuple_SET_ITEM(names, i++, Py_NewRef(key));
        Py_XSETREF(kept_names, names);
        kept_params = params;
    }
    /* ours while the call runs: it may pass other parameters (and replace the kept
     * names) or change the dict */
    names = Py_NewRef(kept_names);
    for (i = 0; i < nkw; i++)
        Py_INCREF(args[nargs + i]);
    out = PyObject_Vectorcall(callable, args, nargs | PY_VECTORCALL_ARGUMENTS_OFFSET, names);
    for (i = 0; i < nkw; i++)
        Py_DECREF(args[nargs + i]);
    Py_DECREF(names);
    return out;
}
#endif
