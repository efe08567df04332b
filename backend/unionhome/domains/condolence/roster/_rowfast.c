/* The roster's row builder for the rows nearly every workbook is made of (parse.RowBuilder's fast path).
 *
 * `Builder.build(row_no, cells)` turns one nomination row into the line tuple of parse.LINE_COLUMNS when
 * every cell is of the plain kind (a name of 2-6 CJK characters, an 18-character ID number as text, a
 * card of 12-19 digits passing Luhn, an 11-digit mobile, a known category text, amounts in whole fen,
 * printable texts without surrounding blanks) and returns None otherwise: the Python builder then
 * handles the row, with every normalisation and every Chinese message. So the Python code stays the
 * one definition of what a row means; this only accepts a subset of what it accepts, with the same
 * output (tests/backend/condolence/test_rowfast.py compares the two on generated and odd rows).
 *
 * ID and card numbers are encrypted (AES-256-GCM, version byte | 12-byte nonce | ciphertext | tag)
 * and hashed (HMAC-SHA256 of kind NUL value) with the tenant's keys exactly as core.crypto.PiiCipher
 * does, through OpenSSL's libcrypto.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define NONCE 12
#define TAG 16
#define POOL 4096
#define KEYS 10
#define MAX_AMOUNT_FEN 100000000LL

enum { K_NAME, K_ID, K_CARD, K_MOBILE, K_CAT, K_CASH, K_GOODS, K_BANK, K_REASON, K_UNIT };

typedef struct {
    PyObject_HEAD
    EVP_CIPHER_CTX *aead;
    EVP_MD_CTX *inner, *outer, *tmp;
    unsigned char version;
    unsigned char aad[64];
    int aad_len;
    unsigned char nonces[NONCE * POOL];
    int at;
    pid_t pid;
    long today;                 /* yyyymmdd */
    unsigned char provinces[100];
    PyObject *categories;       /* dict: the category text as typed -> code (or None: unknown) */
    Py_ssize_t index[KEYS];
    Py_ssize_t width;
    int positioned;
} Builder;

static void Builder_dealloc(Builder *self) {
    if (self->aead) EVP_CIPHER_CTX_free(self->aead);
    if (self->inner) EVP_MD_CTX_free(self->inner);
    if (self->outer) EVP_MD_CTX_free(self->outer);
    if (self->tmp) EVP_MD_CTX_free(self->tmp);
    OPENSSL_cleanse(self->nonces, sizeof self->nonces);
    Py_XDECREF(self->categories);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int keyed_sha256(EVP_MD_CTX *ctx, const unsigned char *key, size_t key_len, unsigned char pad) {
    unsigned char block[64];
    memset(block, 0, sizeof block);
    memcpy(block, key, key_len);
    for (int i = 0; i < 64; i++) block[i] ^= pad;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, block, 64);
    OPENSSL_cleanse(block, sizeof block);
    return ok;
}

/* Builder(enc_key, mac_key, version, aad, today_yyyymmdd, provinces, categories) */
static int Builder_init(Builder *self, PyObject *args, PyObject *kwds) {
    Py_buffer enc, mac, aad;
    int version;
    long today;
    PyObject *provinces, *categories;
    if (!PyArg_ParseTuple(args, "y*y*iy*lOO!", &enc, &mac, &version, &aad, &today, &provinces,
                          &PyDict_Type, &categories))
        return -1;
    int rc = -1;
    /* __init__ may be called again: start from fresh contexts (the frees accept NULL) */
    EVP_CIPHER_CTX_free(self->aead);
    EVP_MD_CTX_free(self->inner);
    EVP_MD_CTX_free(self->outer);
    EVP_MD_CTX_free(self->tmp);
    self->aead = NULL;
    self->inner = self->outer = self->tmp = NULL;
    self->positioned = 0;
    if (enc.len != 32 || mac.len != 32 || aad.len > 64 || version < 1 || version > 255) {
        PyErr_SetString(PyExc_ValueError, "bad key material");
        goto done;
    }
    self->aead = EVP_CIPHER_CTX_new();
    self->inner = EVP_MD_CTX_new();
    self->outer = EVP_MD_CTX_new();
    self->tmp = EVP_MD_CTX_new();
    if (!self->aead || !self->inner || !self->outer || !self->tmp
        || !EVP_EncryptInit_ex(self->aead, EVP_aes_256_gcm(), NULL, NULL, NULL)
        || !EVP_CIPHER_CTX_ctrl(self->aead, EVP_CTRL_GCM_SET_IVLEN, NONCE, NULL)
        || !EVP_EncryptInit_ex(self->aead, NULL, NULL, enc.buf, NULL)
        || !keyed_sha256(self->inner, mac.buf, 32, 0x36) || !keyed_sha256(self->outer, mac.buf, 32, 0x5c)) {
        PyErr_SetString(PyExc_RuntimeError, "libcrypto: cannot set up the keys");
        goto done;
    }
    self->version = (unsigned char)version;
    memcpy(self->aad, aad.buf, aad.len);
    self->aad_len = (int)aad.len;
    self->at = POOL * NONCE;  /* drawn on first use, in the process that uses them */
    self->pid = 0;
    self->today = today;
    memset(self->provinces, 0, sizeof self->provinces);
    PyObject *it = PyObject_GetIter(provinces), *item;
    if (!it) goto done;
    while ((item = PyIter_Next(it))) {
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
        if (s && strlen(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9')
            self->provinces[(s[0] - '0') * 10 + (s[1] - '0')] = 1;
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) goto done;
    Py_INCREF(categories);
    Py_XSETREF(self->categories, categories);
    for (int i = 0; i < KEYS; i++) self->index[i] = -1;
    rc = 0;
done:
    PyBuffer_Release(&enc);
    PyBuffer_Release(&mac);
    PyBuffer_Release(&aad);
    return rc;
}

/* set_positions(indexes): the sheet's column of each key (parse.RowBuilder._KEYS order; -1 absent). */
static PyObject *Builder_set_positions(Builder *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "positions must be a sequence");
    if (!seq) return NULL;
    if (PySequence_Fast_GET_SIZE(seq) != KEYS) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "positions: one per key");
        return NULL;
    }
    self->width = 0;
    for (int i = 0; i < KEYS; i++) {
        Py_ssize_t v = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) { Py_DECREF(seq); return NULL; }
        self->index[i] = v < 0 ? -1 : v;
        if (v + 1 > self->width) self->width = v + 1;
    }
    Py_DECREF(seq);
    self->positioned = 1;
    Py_RETURN_NONE;
}

/* ---- crypto ---------------------------------------------------------------------------------- */

static PyObject *seal(Builder *self, const char *s, Py_ssize_t n) {
    pid_t pid = getpid();
    if (self->at + NONCE > POOL * NONCE || pid != self->pid) {  /* never a parent's nonces after fork */
        if (RAND_bytes(self->nonces, sizeof self->nonces) != 1) {
            PyErr_SetString(PyExc_RuntimeError, "libcrypto: no random bytes");
            return NULL;
        }
        self->at = 0;
        self->pid = pid;
    }
    const unsigned char *nonce = self->nonces + self->at;
    self->at += NONCE;
    PyObject *out = PyBytes_FromStringAndSize(NULL, 1 + NONCE + n + TAG);
    if (!out) return NULL;
    unsigned char *p = (unsigned char *)PyBytes_AS_STRING(out);
    p[0] = self->version;
    memcpy(p + 1, nonce, NONCE);
    int len = 0, fin = 0;
    if (!EVP_EncryptInit_ex(self->aead, NULL, NULL, NULL, nonce)
        || !EVP_EncryptUpdate(self->aead, NULL, &len, self->aad, self->aad_len)
        || !EVP_EncryptUpdate(self->aead, p + 1 + NONCE, &len, (const unsigned char *)s, (int)n)
        || !EVP_EncryptFinal_ex(self->aead, p + 1 + NONCE + len, &fin)
        || len + fin != n
        || !EVP_CIPHER_CTX_ctrl(self->aead, EVP_CTRL_GCM_GET_TAG, TAG, p + 1 + NONCE + n)) {
        Py_DECREF(out);
        PyErr_SetString(PyExc_RuntimeError, "libcrypto: encryption failed");
        return NULL;
    }
    return out;
}

static PyObject *mac(Builder *self, const char *kind, size_t kind_len, const char *s, Py_ssize_t n) {
    unsigned char ih[32];
    unsigned int ilen = 0, olen = 0;
    PyObject *out = PyBytes_FromStringAndSize(NULL, 32);
    if (!out) return NULL;
    if (!EVP_MD_CTX_copy_ex(self->tmp, self->inner) || !EVP_DigestUpdate(self->tmp, kind, kind_len)
        || !EVP_DigestUpdate(self->tmp, s, n) || !EVP_DigestFinal_ex(self->tmp, ih, &ilen)
        || !EVP_MD_CTX_copy_ex(self->tmp, self->outer) || !EVP_DigestUpdate(self->tmp, ih, ilen)
        || !EVP_DigestFinal_ex(self->tmp, (unsigned char *)PyBytes_AS_STRING(out), &olen) || olen != 32) {
        Py_DECREF(out);
        PyErr_SetString(PyExc_RuntimeError, "libcrypto: hashing failed");
        return NULL;
    }
    return out;
}

static const char ID_KIND[] = "id_number";  /* sizeof includes the NUL separator */
static const char CARD_KIND[] = "bank_card";

/* encrypt(value) and lookup_hash(kind, value): for the tests that compare them with PiiCipher. */
static PyObject *Builder_encrypt(Builder *self, PyObject *arg) {
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(arg, &n);
    return s ? seal(self, s, n) : NULL;
}

static PyObject *Builder_lookup_hash(Builder *self, PyObject *args) {
    Py_buffer kind;
    const char *s;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*s#", &kind, &s, &n)) return NULL;
    PyObject *out = mac(self, kind.buf, kind.len, s, n);
    PyBuffer_Release(&kind);
    return out;
}

/* ---- cells ----------------------------------------------------------------------------------- */

static const int W[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char CHECK[] = "10X98765432";

static int digits(const char *s, int n) {
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int num(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* checks.IdChecker.fast: 18 ASCII characters, a province, a birth date from 1900-01-01 to today, the
   check character (upper-case X only: anything else goes to the full parser). */
static int id_ok(Builder *self, const char *s, Py_ssize_t n) {
    if (n != 18 || !digits(s, 17)) return 0;
    if (!self->provinces[(s[0] - '0') * 10 + (s[1] - '0')]) return 0;
    int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
    if (y < 1900 || m < 1 || m > 12 || d < 1) return 0;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return 0;
    if ((long)y * 10000 + m * 100 + d > self->today) return 0;
    int total = 0;
    for (int i = 0; i < 17; i++) total += (s[i] - '0') * W[i];
    return CHECK[total % 11] == s[17];
}

static int luhn_ok(const char *s, Py_ssize_t n) {
    int total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int v = s[n - 1 - i] - '0';
        if (i % 2) { v *= 2; if (v > 9) v -= 9; }
        total += v;
    }
    return total % 10 == 0;
}

/* An ASCII str's bytes, or NULL (not a str, or not ASCII). */
static const char *ascii(PyObject *v, Py_ssize_t *n) {
    if (!PyUnicode_CheckExact(v) || !PyUnicode_IS_ASCII(v)) return NULL;
    *n = PyUnicode_GET_LENGTH(v);
    return (const char *)PyUnicode_DATA(v);
}

/* checks.parse_name's fast path: 2-6 characters of U+3400..U+9FFF. */
static int plain_name(PyObject *v) {
    if (!PyUnicode_CheckExact(v)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    if (n < 2 || n > 6) return 0;
    int kind = PyUnicode_KIND(v);
    const void *data = PyUnicode_DATA(v);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x3400 || c > 0x9fff) return 0;
    }
    return 1;
}

/* parse._text's fast path: a printable str without surrounding blanks, cut to `limit`. NULL with no
   error set: not plain. */
static PyObject *plain_text(PyObject *v, Py_ssize_t limit) {
    if (v == Py_None) Py_RETURN_NONE;
    if (!PyUnicode_CheckExact(v)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    int kind = PyUnicode_KIND(v);
    const void *data = PyUnicode_DATA(v);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISPRINTABLE(PyUnicode_READ(kind, data, i))) return NULL;
    if (n == 0 || Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0))
        || Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, n - 1)))
        return NULL;
    if (n > limit) return PyUnicode_Substring(v, 0, limit);
    Py_INCREF(v);
    return v;
}

/* checks.parse_amount's fast path: a float or int of whole fen from 0 to MAX_AMOUNT_FEN. 1 = ok. */
static int amount(PyObject *v, long long *fen) {
    if (PyFloat_CheckExact(v)) {
        double x = PyFloat_AS_DOUBLE(v) * 100;
        if (!isfinite(x) || x < 0 || x > (double)MAX_AMOUNT_FEN) return 0;
        double r = nearbyint(x);  /* round half to even, as Python's round() */
        if (fabs(x - r) > 1e-6) return 0;
        *fen = (long long)r;
        return 1;
    }
    if (PyLong_CheckExact(v)) {
        int overflow = 0;
        long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || n < 0 || n > MAX_AMOUNT_FEN / 100) {
            PyErr_Clear();
            return 0;
        }
        *fen = n * 100;
        return 1;
    }
    return 0;
}

/* A cell as parse.RowBuilder.build reads it: "" is blank (None); a str starting with a blank or '#'
   may be blank or an error value: not for the fast path (-1). */
static int cell(PyObject *cells, Py_ssize_t i, PyObject **out) {
    if (i < 0) { *out = Py_None; return 0; }
    PyObject *v = PyList_GET_ITEM(cells, i);
    if (PyUnicode_CheckExact(v)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(v);
        if (n == 0) { *out = Py_None; return 0; }
        Py_UCS4 c = PyUnicode_READ_CHAR(v, 0);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000 || c == 0xa0 || c == '#') return -1;
    }
    *out = v;
    return 0;
}

#define NOT_PLAIN do { Py_XDECREF(tuple); Py_RETURN_NONE; } while (0)
#define FAILED do { Py_XDECREF(tuple); return NULL; } while (0)

/* build(row_no, cells) -> the line tuple, or None (the Python builder handles the row). */
static PyObject *Builder_build(Builder *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "build(row_no, cells: list)");
        return NULL;
    }
    PyObject *cells = args[1], *tuple = NULL;
    if (!self->positioned || PyList_GET_SIZE(cells) < self->width) Py_RETURN_NONE;
    PyObject *raw[KEYS];
    for (int k = 0; k < KEYS; k++)
        if (cell(cells, self->index[k], &raw[k]) < 0) Py_RETURN_NONE;
    /* name and ID: both required */
    if (!plain_name(raw[K_NAME])) Py_RETURN_NONE;
    Py_ssize_t id_n, card_n = 0, mob_n = 0;
    const char *id = ascii(raw[K_ID], &id_n);
    if (!id || !id_ok(self, id, id_n)) Py_RETURN_NONE;
    const char *card = NULL;
    if (raw[K_CARD] != Py_None) {
        card = ascii(raw[K_CARD], &card_n);
        if (!card || card_n < 12 || card_n > 19 || !digits(card, (int)card_n) || !luhn_ok(card, card_n))
            Py_RETURN_NONE;
    }
    /* mobile: 11 digits 1[3-9]…, as text or as a whole number */
    PyObject *mobile = Py_None;
    char mob_buf[24];
    int mobile_from_float = 0;
    if (raw[K_MOBILE] != Py_None) {
        const char *m;
        if (PyFloat_CheckExact(raw[K_MOBILE])) {
            double x = PyFloat_AS_DOUBLE(raw[K_MOBILE]);
            if (!(x >= 13e9 && x < 2e10) || x != floor(x)) Py_RETURN_NONE;
            mob_n = snprintf(mob_buf, sizeof mob_buf, "%lld", (long long)x);
            m = mob_buf;
            mobile_from_float = 1;
        } else if (!(m = ascii(raw[K_MOBILE], &mob_n))) {
            Py_RETURN_NONE;
        }
        if (mob_n != 11 || !digits(m, 11) || m[0] != '1' || m[1] < '3' || m[1] > '9') Py_RETURN_NONE;
        mobile = raw[K_MOBILE];
    }
    /* category: a text met before in this campaign and known */
    PyObject *category = Py_None;
    if (raw[K_CAT] != Py_None) {
        if (!PyUnicode_CheckExact(raw[K_CAT])) Py_RETURN_NONE;
        category = PyDict_GetItemWithError(self->categories, raw[K_CAT]);
        if (!category) {
            if (PyErr_Occurred()) return NULL;
            Py_RETURN_NONE;
        }
        if (category == Py_None) Py_RETURN_NONE;
    }
    long long cash = 0, goods = 0;
    int has_cash = raw[K_CASH] != Py_None, has_goods = raw[K_GOODS] != Py_None;
    if (has_cash && !amount(raw[K_CASH], &cash)) Py_RETURN_NONE;
    if (has_goods && !amount(raw[K_GOODS], &goods)) Py_RETURN_NONE;

    tuple = PyTuple_New(19);
    if (!tuple) return NULL;
    PyObject *v;
    static const Py_ssize_t limits[3] = {60, 500, 200};
    static const int text_keys[3] = {K_BANK, K_REASON, K_UNIT};
    static const int text_slots[3] = {10, 15, 16};
    for (int t = 0; t < 3; t++) {
        v = plain_text(raw[text_keys[t]], limits[t]);
        if (!v) {
            if (PyErr_Occurred()) FAILED;
            NOT_PLAIN;
        }
        PyTuple_SET_ITEM(tuple, text_slots[t], v);
    }
    Py_INCREF(args[0]);
    PyTuple_SET_ITEM(tuple, 0, args[0]);
    Py_INCREF(raw[K_NAME]);
    PyTuple_SET_ITEM(tuple, 1, raw[K_NAME]);
    if (!(v = seal(self, id, id_n))) FAILED;
    PyTuple_SET_ITEM(tuple, 2, v);
    if (!(v = mac(self, ID_KIND, sizeof ID_KIND, id, id_n))) FAILED;
    PyTuple_SET_ITEM(tuple, 3, v);
    if (!(v = PyUnicode_FromStringAndSize(id + 14, 4))) FAILED;
    PyTuple_SET_ITEM(tuple, 4, v);
    if (!(v = PyUnicode_FromStringAndSize(id, 6))) FAILED;
    PyTuple_SET_ITEM(tuple, 5, v);
    Py_INCREF(Py_None);
    PyTuple_SET_ITEM(tuple, 6, Py_None);
    if (card) {
        if (!(v = seal(self, card, card_n))) FAILED;
        PyTuple_SET_ITEM(tuple, 7, v);
        if (!(v = mac(self, CARD_KIND, sizeof CARD_KIND, card, card_n))) FAILED;
        PyTuple_SET_ITEM(tuple, 8, v);
        if (!(v = PyUnicode_FromStringAndSize(card + card_n - 4, 4))) FAILED;
        PyTuple_SET_ITEM(tuple, 9, v);
    } else {
        for (int i = 7; i <= 9; i++) { Py_INCREF(Py_None); PyTuple_SET_ITEM(tuple, i, Py_None); }
    }
    if (mobile_from_float) {
        if (!(v = PyUnicode_FromStringAndSize(mob_buf, mob_n))) FAILED;
    } else {
        v = mobile;
        Py_INCREF(v);
    }
    PyTuple_SET_ITEM(tuple, 11, v);
    Py_INCREF(category);
    PyTuple_SET_ITEM(tuple, 12, category);
    if (has_cash) { if (!(v = PyLong_FromLongLong(cash))) FAILED; } else { v = Py_None; Py_INCREF(v); }
    PyTuple_SET_ITEM(tuple, 13, v);
    if (has_goods) { if (!(v = PyLong_FromLongLong(goods))) FAILED; } else { v = Py_None; Py_INCREF(v); }
    PyTuple_SET_ITEM(tuple, 14, v);
    Py_INCREF(Py_None);
    PyTuple_SET_ITEM(tuple, 17, Py_None);
    Py_INCREF(Py_None);
    PyTuple_SET_ITEM(tuple, 18, Py_None);
    return tuple;
}

static PyMethodDef Builder_methods[] = {
    {"build", (PyCFunction)(void (*)(void))Builder_build, METH_FASTCALL,
     "build(row_no, cells) -> the line tuple, or None when the row needs the Python builder"},
    {"set_positions", (PyCFunction)Builder_set_positions, METH_O, "set_positions(indexes)"},
    {"encrypt", (PyCFunction)Builder_encrypt, METH_O, "encrypt(value) -> PiiCipher.encrypt's blob"},
    {"lookup_hash", (PyCFunction)Builder_lookup_hash, METH_VARARGS,
     "lookup_hash(kind_with_nul, value) -> PiiCipher.lookup_hash's digest"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject BuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "unionhome.domains.condolence.roster._rowfast.Builder",
    .tp_basicsize = sizeof(Builder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The compiled fast path of parse.RowBuilder (see the module's source).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Builder_init,
    .tp_dealloc = (destructor)Builder_dealloc,
    .tp_methods = Builder_methods,
};

/* ---- binary COPY ----------------------------------------------------------------------------- */

typedef struct { char *p; Py_ssize_t len, cap; } Buf;

static int grow(Buf *b, Py_ssize_t need) {
    if (b->len + need <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + need) cap *= 2;
    char *p = PyMem_Realloc(b->p, cap);
    if (!p) { PyErr_NoMemory(); return -1; }
    b->p = p;
    b->cap = cap;
    return 0;
}

static void put32(Buf *b, uint32_t v) {
    unsigned char *p = (unsigned char *)b->p + b->len;
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
    b->len += 4;
}

/* copy_rows(rows, types) -> bytes: the rows (tuples) as PostgreSQL binary COPY data, without the
   file header and trailer. `types` has a letter per column: i int4, q int8, t text, b bytea; None is
   NULL. What psycopg's write_row writes for these types, at a fraction of its cost. */
static PyObject *copy_rows(PyObject *module, PyObject *args) {
    PyObject *rows;
    const char *types;
    Py_ssize_t ncols;
    if (!PyArg_ParseTuple(args, "O!s#", &PyList_Type, &rows, &types, &ncols)) return NULL;
    Buf b = {NULL, 0, 0};
    Py_ssize_t nrows = PyList_GET_SIZE(rows);
    for (Py_ssize_t r = 0; r < nrows; r++) {
        PyObject *row = PyList_GET_ITEM(rows, r);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != ncols) {
            PyErr_Format(PyExc_TypeError, "row %zd: a tuple of %zd values expected", r, ncols);
            goto fail;
        }
        if (grow(&b, 2)) goto fail;
        b.p[b.len++] = (char)(ncols >> 8);
        b.p[b.len++] = (char)ncols;
        for (Py_ssize_t c = 0; c < ncols; c++) {
            PyObject *v = PyTuple_GET_ITEM(row, c);
            if (v == Py_None) {
                if (grow(&b, 4)) goto fail;
                put32(&b, 0xffffffffu);
                continue;
            }
            const char *data = NULL;
            Py_ssize_t n = 0;
            switch (types[c]) {
            case 'i': case 'q': {
                if (!PyLong_Check(v) || PyBool_Check(v)) goto bad;
                long long x = PyLong_AsLongLong(v);
                if (x == -1 && PyErr_Occurred()) goto fail;
                if (types[c] == 'i' && (x < INT32_MIN || x > INT32_MAX)) goto bad;
                int size = types[c] == 'i' ? 4 : 8;
                if (grow(&b, 4 + size)) goto fail;
                put32(&b, (uint32_t)size);
                if (size == 8) put32(&b, (uint32_t)((unsigned long long)x >> 32));
                put32(&b, (uint32_t)((unsigned long long)x & 0xffffffffu));
                continue;
            }
            case 't':
                if (!PyUnicode_Check(v)) goto bad;
                if (!(data = PyUnicode_AsUTF8AndSize(v, &n))) goto fail;
                break;
            case 'b':
                if (!PyBytes_Check(v)) goto bad;
                data = PyBytes_AS_STRING(v);
                n = PyBytes_GET_SIZE(v);
                break;
            default:
                PyErr_Format(PyExc_ValueError, "unknown column type %c", types[c]);
                goto fail;
            }
            if (n > INT32_MAX || grow(&b, 4 + n)) goto fail;
            put32(&b, (uint32_t)n);
            memcpy(b.p + b.len, data, n);
            b.len += n;
            continue;
        bad:
            PyErr_Format(PyExc_TypeError, "row %zd column %zd: %s is not of type %c", r, c, Py_TYPE(v)->tp_name,
                         types[c]);
            goto fail;
        }
    }
    PyObject *out = PyBytes_FromStringAndSize(b.p, b.len);
    PyMem_Free(b.p);
    return out;
fail:
    PyMem_Free(b.p);
    return NULL;
}

/* ---- the .xlsx safety scan ------------------------------------------------------------------- */

/* scan_sheet_xml(buf) -> (last_row, unusual): parse.safe_source's look at a piece of worksheet XML, in
   one pass. last_row is the largest N of the complete `<row r="N"` in it (0 if none; only meaningful
   when nothing is unusual: the scan stops at the first unusual thing); unusual is true
   for a cell reference beyond column ZZ (3 letters or more) or row 9,999,999 (8 digits or more), a
   formula (`<f>`, `<f `), an error value (`t="e"`) or a row number of more than 9 digits. Exactly the
   regular expressions and substring tests of the Python scan (`parse._scan_python`): a token cut at the
   end of `buf` counts only where what is there already decides it (the caller scans the last 64 bytes
   again with the next piece). */
static PyObject *scan_sheet_xml(PyObject *module, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *s = view.buf, *end = s + view.len;
    long long last = 0;
    int unusual = memmem(s, view.len, "t=\"e\"", 5) != NULL;
    for (const char *p = s; !unusual && (p = memchr(p, '<', end - p)) != NULL; p++) {
        Py_ssize_t left = end - p;
        if (left >= 3 && p[1] == 'f' && (p[2] == '>' || p[2] == ' ')) {
            unusual = 1;
        } else if (left >= 6 && memcmp(p, "<c r=\"", 6) == 0) {
            const char *q = p + 6;
            int letters = 0, digits = 0;
            while (q < end && *q >= 'A' && *q <= 'Z') { letters++; q++; }
            if (letters >= 3) { unusual = 1; break; }
            if (letters >= 1)
                while (q < end && *q >= '0' && *q <= '9') { digits++; q++; }
            if (digits >= 8) unusual = 1;
        } else if (left >= 8 && memcmp(p, "<row r=\"", 8) == 0) {
            const char *q = p + 8;
            long long n = 0;
            int digits = 0;
            while (q < end && *q >= '0' && *q <= '9') {
                if (++digits <= 18) n = n * 10 + (*q - '0');
                q++;
            }
            if (digits == 0 || q >= end || *q != '"') continue;  /* not a complete row number */
            if (digits > 9) unusual = 1;
            else if (n > last) last = n;
        }
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(LO)", last, unusual ? Py_True : Py_False);
}

static PyMethodDef module_methods[] = {
    {"copy_rows", copy_rows, METH_VARARGS, "copy_rows(rows, types) -> binary COPY data of the rows"},
    {"scan_sheet_xml", scan_sheet_xml, METH_O, "scan_sheet_xml(buf) -> (last_row, unusual)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rowfast", NULL, -1, module_methods};

PyMODINIT_FUNC PyInit__rowfast(void) {
    if (PyType_Ready(&BuilderType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&BuilderType);
    if (PyModule_AddObject(m, "Builder", (PyObject *)&BuilderType) < 0) {
        Py_DECREF(&BuilderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
