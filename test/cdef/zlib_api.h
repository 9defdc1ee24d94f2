/* The core API of zlib 1.2.13 as zconf.h and zlib.h spell it, for ctypes::cdef. The only
 * change: zlib's OF((args)) prototype macro is written as its expansion (args), since cdef reads
 * no function-like macros. ZEXTERN, ZEXPORT, FAR and z_const are zconf.h's empty macros. */
#define ZEXTERN
#define ZEXPORT
#define FAR
#define z_const

#define ZLIB_VERNUM 0x12d0
#define ZLIB_VER_MAJOR 1
#define ZLIB_VER_MINOR 2

typedef unsigned char  Byte;  /* 8 bits */
typedef unsigned int   uInt;  /* 16 bits or more */
typedef unsigned long  uLong; /* 32 bits or more */
typedef Byte  FAR Bytef;
typedef char  FAR charf;
typedef int   FAR intf;
typedef uInt  FAR uIntf;
typedef uLong FAR uLongf;
typedef void const *voidpc;
typedef void FAR   *voidpf;
typedef void       *voidp;
typedef unsigned z_crc_t;

typedef voidpf (*alloc_func) (voidpf opaque, uInt items, uInt size);
typedef void   (*free_func)  (voidpf opaque, voidpf address);

struct internal_state;

typedef struct z_stream_s {
    z_const Bytef *next_in;     /* next input byte */
    uInt     avail_in;  /* number of bytes available at next_in */
    uLong    total_in;  /* total number of input bytes read so far */

    Bytef    *next_out; /* next output byte will go here */
    uInt     avail_out; /* remaining free space at next_out */
    uLong    total_out; /* total number of bytes output so far */

    z_const char *msg;  /* last error message, NULL if no error */
    struct internal_state FAR *state; /* not visible by applications */

    alloc_func zalloc;  /* used to allocate the internal state */
    free_func  zfree;   /* used to free the internal state */
    voidpf     opaque;  /* private data object passed to zalloc and zfree */

    int     data_type;  /* best guess about the data type: binary or text
                           for deflate, or the decoding state for inflate */
    uLong   adler;      /* Adler-32 or CRC-32 value of the uncompressed data */
    uLong   reserved;   /* reserved for future use */
} z_stream;

typedef z_stream FAR *z_streamp;

typedef struct gz_header_s {
    int     text;       /* true if compressed data believed to be text */
    uLong   time;       /* modification time */
    int     xflags;     /* extra flags (not used when writing a gzip file) */
    int     os;         /* operating system */
    Bytef   *extra;     /* pointer to extra field or Z_NULL if none */
    uInt    extra_len;  /* extra field length (valid if extra != Z_NULL) */
    uInt    extra_max;  /* space at extra (only when reading header) */
    Bytef   *name;      /* pointer to zero-terminated file name or Z_NULL */
    uInt    name_max;   /* space at name (only when reading header) */
    Bytef   *comment;   /* pointer to zero-terminated comment or Z_NULL */
    uInt    comm_max;   /* space at comment (only when reading header) */
    int     hcrc;       /* true if there was or will be a header crc */
    int     done;       /* true when done reading gzip header (not used
                           when writing a gzip file) */
} gz_header;

typedef gz_header FAR *gz_headerp;

#define Z_NO_FLUSH      0
#define Z_PARTIAL_FLUSH 1
#define Z_SYNC_FLUSH    2
#define Z_FULL_FLUSH    3
#define Z_FINISH        4
#define Z_BLOCK         5
#define Z_TREES         6
#define Z_OK            0
#define Z_STREAM_END    1
#define Z_NEED_DICT     2
#define Z_ERRNO        (-1)
#define Z_STREAM_ERROR (-2)
#define Z_DATA_ERROR   (-3)
#define Z_MEM_ERROR    (-4)
#define Z_BUF_ERROR    (-5)
#define Z_VERSION_ERROR (-6)
#define Z_NO_COMPRESSION         0
#define Z_BEST_SPEED             1
#define Z_BEST_COMPRESSION       9
#define Z_DEFAULT_COMPRESSION  (-1)
#define Z_FILTERED            1
#define Z_HUFFMAN_ONLY        2
#define Z_RLE                 3
#define Z_FIXED               4
#define Z_DEFAULT_STRATEGY    0
#define Z_BINARY   0
#define Z_TEXT     1
#define Z_ASCII    Z_TEXT   /* for compatibility with 1.2.2 and earlier */
#define Z_UNKNOWN  2
#define Z_DEFLATED   8
#define Z_NULL  0  /* for initializing zalloc, zfree, opaque */

ZEXTERN const char * ZEXPORT zlibVersion (void);
ZEXTERN int ZEXPORT deflate (z_streamp strm, int flush);
ZEXTERN int ZEXPORT deflateEnd (z_streamp strm);
ZEXTERN int ZEXPORT inflate (z_streamp strm, int flush);
ZEXTERN int ZEXPORT inflateEnd (z_streamp strm);
ZEXTERN int ZEXPORT deflateSetDictionary (z_streamp strm,
                                             const Bytef *dictionary,
                                             uInt  dictLength);
ZEXTERN int ZEXPORT deflateReset (z_streamp strm);
ZEXTERN int ZEXPORT deflateParams (z_streamp strm,
                                      int level,
                                      int strategy);
ZEXTERN uLong ZEXPORT deflateBound (z_streamp strm,
                                       uLong sourceLen);
ZEXTERN int ZEXPORT inflateReset (z_streamp strm);
ZEXTERN uLong ZEXPORT zlibCompileFlags (void);
ZEXTERN int ZEXPORT compress (Bytef *dest,   uLongf *destLen,
                                 const Bytef *source, uLong sourceLen);
ZEXTERN int ZEXPORT compress2 (Bytef *dest,   uLongf *destLen,
                                  const Bytef *source, uLong sourceLen,
                                  int level);
ZEXTERN uLong ZEXPORT compressBound (uLong sourceLen);
ZEXTERN int ZEXPORT uncompress (Bytef *dest,   uLongf *destLen,
                                   const Bytef *source, uLong sourceLen);
ZEXTERN uLong ZEXPORT adler32 (uLong adler, const Bytef *buf, uInt len);
ZEXTERN uLong ZEXPORT crc32   (uLong crc, const Bytef *buf, uInt len);
ZEXTERN int ZEXPORT deflateInit_ (z_streamp strm, int level,
                                     const char *version, int stream_size);
ZEXTERN int ZEXPORT inflateInit_ (z_streamp strm,
                                     const char *version, int stream_size);
ZEXTERN int ZEXPORT deflateInit2_ (z_streamp strm, int  level, int  method,
                                      int windowBits, int memLevel,
                                      int strategy, const char *version,
                                      int stream_size);
ZEXTERN int ZEXPORT inflateInit2_ (z_streamp strm, int  windowBits,
                                      const char *version, int stream_size);

typedef struct gzFile_s *gzFile;    /* semi-opaque gzip file descriptor */
ZEXTERN gzFile ZEXPORT gzopen (const char *path, const char *mode);
ZEXTERN int ZEXPORT gzclose (gzFile file);
ZEXTERN const char * ZEXPORT zError (int);
