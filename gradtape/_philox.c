/* Philox4x32-10 blocks in C: the random streams' cost per number drawn.
 *
 * random.py's ``_philox_blocks`` (NumPy) is the reference; ``blocks`` below
 * computes the same four 32-bit words for each of ``n`` consecutive counters,
 * from the 128-bit counter ``hi:lo`` and the 64-bit key, into a bytearray.
 * ``GRADTAPE_PURE_PYTHON=1`` keeps the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *
blocks(PyObject *module, PyObject *args)
{
    unsigned long long lo, hi, key;
    Py_ssize_t n;
    PyObject *out;
    uint32_t *w;
    if (!PyArg_ParseTuple(args, "KKKn", &lo, &hi, &key, &n))
        return NULL;
    if (n < 0 || n > PY_SSIZE_T_MAX / 16) {
        PyErr_SetString(PyExc_ValueError, "blocks: n out of range");
        return NULL;
    }
    if ((out = PyByteArray_FromStringAndSize(NULL, n * 16)) == NULL)
        return NULL;
    w = (uint32_t *)PyByteArray_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t l = (uint64_t)lo + (uint64_t)i;
        uint64_t h = (uint64_t)hi + (l < (uint64_t)i);  /* the carry */
        uint32_t c0 = (uint32_t)l, c1 = (uint32_t)(l >> 32), c2 = (uint32_t)h,
                 c3 = (uint32_t)(h >> 32), k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
        for (int r = 0; r < 10; r++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
            c0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
            c1 = (uint32_t)p1;
            c2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
            c3 = (uint32_t)p0;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        w[4 * i] = c0, w[4 * i + 1] = c1, w[4 * i + 2] = c2, w[4 * i + 3] = c3;
    }
    return out;
}

static PyMethodDef module_methods[] = {
    {"blocks", blocks, METH_VARARGS,
     "blocks(counter_lo, counter_hi, key, n): the Philox4x32-10 words of n consecutive "
     "counters, four uint32 each, as a bytearray (random._philox_blocks in C)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_philox",
    "Philox4x32-10 blocks in C (random.py holds the reference).", -1, module_methods};

PyMODINIT_FUNC
PyInit__philox(void)
{
    return PyModule_Create(&module_def);
}
