/* What _record.c and _sweep.c share: reading a __slots__ attribute of a Python
 * class at the offset its member descriptor gives (looked up once, at install). */
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
#endif
