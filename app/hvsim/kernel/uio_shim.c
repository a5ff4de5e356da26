/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libhvsim_uio.so, preloaded into the guest: redirects /sys/bus/vmbus,
 * /sys/class/uio and /dev/uioN into hvsim's run directory for every libc call
 * that takes a path. Emulated fds are uio_shim_dev.c's, memory uio_shim_mem.c's.
 */
#undef _FILE_OFFSET_BITS	/* define open and open64 both, not one as the other */

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "uio_proto.h"
#include "uio_shim.h"

/* One call, fstatat64, serves the whole stat family: the layouts are the same. */
static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat layout");

/* glibc < 2.33 binaries call these; the headers no longer declare them. */
int __xstat(int ver, const char *path, struct stat *buf);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf, int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
char *__realpath_chk(const char *path, char *resolved, size_t resolved_len);

static const char *shim_redirected[] = { "/sys/bus/vmbus", "/sys/class/uio" };

static pthread_once_t shim_once = PTHREAD_ONCE_INIT;
static char shim_run_path[PATH_MAX];
static bool shim_active;

SHIM_SLOT(openat);
SHIM_SLOT(fopen);
SHIM_SLOT(opendir);
SHIM_SLOT(faccessat);
SHIM_SLOT(fstatat64);
SHIM_SLOT(statx);
SHIM_SLOT(readlinkat);
SHIM_SLOT(realpath);
SHIM_SLOT(getxattr);
SHIM_SLOT(lgetxattr);

void *
shim_next(void **slot, const char *name)
{
	void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (fn == NULL) {
		fn = dlsym(RTLD_NEXT, name);
		if (fn == NULL)
			abort();	/* a libc without it: nothing sane to fall back to */
		__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	}
	return fn;
}

static void
shim_init(void)
{
	const char *dir = getenv(UIO_PROTO_ENV_RUN_DIR);

	if (dir == NULL || dir[0] != '/' || strlen(dir) >= sizeof(shim_run_path) - 64)
		return;
	strcpy(shim_run_path, dir);
	shim_active = true;
}

const char *
shim_run_dir(void)
{
	pthread_once(&shim_once, shim_init);
	return shim_active ? shim_run_path : NULL;
}

static bool
shim_has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* N for exactly "/dev/uio<decimal N>", else -1: /dev/uioX is not ours. */
static int
shim_uio_node(const char *path)
{
	const char *digits = path + strlen(UIO_PROTO_DEV_PREFIX);
	unsigned long n;
	char *end;

	if (strncmp(path, UIO_PROTO_DEV_PREFIX, strlen(UIO_PROTO_DEV_PREFIX)) != 0 ||
	    !isdigit((unsigned char)digits[0]))
		return -1;
	n = strtoul(digits, &end, 10);
	return *end == '\0' && n < 4096 ? (int)n : -1;
}

const char *
shim_path(const char *path, char *buf, size_t size, int *uio_index)
{
	const char *run = shim_run_dir();
	bool ours = false;

	*uio_index = -1;
	if (run == NULL || path == NULL || path[0] != '/')
		return path;
	for (size_t i = 0; i < sizeof(shim_redirected) / sizeof(shim_redirected[0]); i++)
		ours = ours || shim_has_prefix(path, shim_redirected[i]);
	*uio_index = shim_uio_node(path);
	if (!ours && *uio_index < 0)
		return path;
	if ((size_t)snprintf(buf, size, "%s%s", run, path) >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return buf;
}

static int
shim_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	char buf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, buf, sizeof(buf), &uio_index);

	if (p == NULL)
		return -1;
	if (uio_index >= 0)
		return shim_dev_open(p, flags, uio_index);
	return SHIM_NEXT(openat)(dirfd, p, flags, mode);
}

/* The mode argument exists only when the flags create a file. */
#define SHIM_OPEN_MODE(flags, last, mode) do { \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, last); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	} \
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_OPEN_MODE(flags, flags, mode);
	return shim_openat(AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_OPEN_MODE(flags, flags, mode);
	return shim_openat(AT_FDCWD, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_OPEN_MODE(flags, flags, mode);
	return shim_openat(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_OPEN_MODE(flags, flags, mode);
	return shim_openat(dirfd, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	return shim_openat(AT_FDCWD, path, flags, 0);
}

int
__open64_2(const char *path, int flags)
{
	return shim_openat(AT_FDCWD, path, flags, 0);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return shim_openat(dirfd, path, flags, 0);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	return shim_openat(dirfd, path, flags, 0);
}

FILE *
fopen(const char *path, const char *mode)
{
	char buf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, buf, sizeof(buf), &uio_index);

	return p == NULL ? NULL : SHIM_NEXT(fopen)(p, mode);
}

FILE *
fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

DIR *
opendir(const char *path)
{
	char buf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, buf, sizeof(buf), &uio_index);

	return p == NULL ? NULL : SHIM_NEXT(opendir)(p);
}

int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	char buf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, buf, sizeof(buf), &uio_index);

	return p == NULL ? -1 : SHIM_NEXT(faccessat)(dirfd, p, mode, flags);
}

int
access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

/* The kernel's /dev/uioN is a character device; ours is a socket underneath. */
int
fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);
	int ret;

	if (p == NULL)
		return -1;
	ret = SHIM_NEXT(fstatat64)(dirfd, p, buf, flags);
	if (ret == 0 && uio_index >= 0)
		shim_dev_fake_stat(buf, uio_index);
	return ret;
}

int
fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	return fstatat64(dirfd, path, (struct stat64 *)buf, flags);
}

int
stat(const char *path, struct stat *buf)
{
	return fstatat64(AT_FDCWD, path, (struct stat64 *)buf, 0);
}

int
stat64(const char *path, struct stat64 *buf)
{
	return fstatat64(AT_FDCWD, path, buf, 0);
}

int
lstat(const char *path, struct stat *buf)
{
	return fstatat64(AT_FDCWD, path, (struct stat64 *)buf, AT_SYMLINK_NOFOLLOW);
}

int
lstat64(const char *path, struct stat64 *buf)
{
	return fstatat64(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

int
__xstat(int ver, const char *path, struct stat *buf)
{
	(void)ver;
	return stat(path, buf);
}

int
__xstat64(int ver, const char *path, struct stat64 *buf)
{
	(void)ver;
	return stat64(path, buf);
}

int
__lxstat(int ver, const char *path, struct stat *buf)
{
	(void)ver;
	return lstat(path, buf);
}

int
__lxstat64(int ver, const char *path, struct stat64 *buf)
{
	(void)ver;
	return lstat64(path, buf);
}

int
__fxstatat(int ver, int dirfd, const char *path, struct stat *buf, int flags)
{
	(void)ver;
	return fstatat(dirfd, path, buf, flags);
}

int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf, int flags)
{
	(void)ver;
	return fstatat64(dirfd, path, buf, flags);
}

int
statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);
	int ret;

	if (p == NULL)
		return -1;
	ret = SHIM_NEXT(statx)(dirfd, p, flags, mask, buf);
	if (ret == 0 && uio_index >= 0) {
		buf->stx_mode = S_IFCHR | 0600;
		buf->stx_size = 0;
		buf->stx_rdev_major = 240;
		buf->stx_rdev_minor = uio_index;
	}
	return ret;
}

ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);

	return p == NULL ? -1 : SHIM_NEXT(readlinkat)(dirfd, p, buf, size);
}

ssize_t
readlink(const char *path, char *buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

/* A resolved path inside the run directory is shown as the kernel's path. */
static void
shim_unredirect(char *resolved)
{
	const char *run = shim_run_dir();
	size_t n = run != NULL ? strlen(run) : 0;

	if (n != 0 && strncmp(resolved, run, n) == 0 && resolved[n] == '/')
		memmove(resolved, resolved + n, strlen(resolved + n) + 1);
}

char *
realpath(const char *path, char *resolved)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);
	char *ret;

	if (p == NULL)
		return NULL;
	ret = SHIM_NEXT(realpath)(p, resolved);
	if (ret != NULL && p != path)
		shim_unredirect(ret);
	return ret;
}

char *
__realpath_chk(const char *path, char *resolved, size_t resolved_len)
{
	if (resolved != NULL && resolved_len < PATH_MAX)
		abort();	/* what fortify's own check does on an undersized buffer */
	return realpath(path, resolved);
}

/* ls -l and SELinux labels ask for attributes; sysfs has none, but the file exists. */
ssize_t
getxattr(const char *path, const char *name, void *value, size_t size)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);

	return p == NULL ? -1 : SHIM_NEXT(getxattr)(p, name, value, size);
}

ssize_t
lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	char pbuf[PATH_MAX];
	int uio_index;
	const char *p = shim_path(path, pbuf, sizeof(pbuf), &uio_index);

	return p == NULL ? -1 : SHIM_NEXT(lgetxattr)(p, name, value, size);
}
