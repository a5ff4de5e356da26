/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libhvsim_uio.so: the emulated /dev/uioN fds (sockets to hvsim) behave as the
 * uio core does: open waits for the channel to be opened, read/write carry
 * 4-byte counts and irqcontrol values, mmap offset K * 4096 maps map K.
 */
#undef _FILE_OFFSET_BITS	/* define mmap and mmap64 both, not one as the other */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "uio_proto.h"
#include "uio_shim.h"

#define SHIM_MAX_FDS		65536	/* emulated fds above this work, minus read semantics */
#define SHIM_UIO_MAJOR		240	/* what the uio class gets on a typical kernel */

int __fxstat(int ver, int fd, struct stat *buf);
int __fxstat64(int ver, int fd, struct stat64 *buf);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buf_len);

/* uio index + 1 of each emulated fd; 0 = not ours. dup and close keep it true. */
static uint16_t shim_fd_uio[SHIM_MAX_FDS];

SHIM_SLOT(read);
SHIM_SLOT(pread64);
SHIM_SLOT(write);
SHIM_SLOT(close);
SHIM_SLOT(dup);
SHIM_SLOT(dup2);
SHIM_SLOT(dup3);
SHIM_SLOT(fstat64);
SHIM_SLOT(mmap64);
SHIM_SLOT(munmap);

static int
shim_fd_get(int fd)
{
	if (fd < 0 || fd >= SHIM_MAX_FDS)
		return -1;
	return (int)__atomic_load_n(&shim_fd_uio[fd], __ATOMIC_RELAXED) - 1;
}

static void
shim_fd_set(int fd, int uio_index)
{
	if (fd >= 0 && fd < SHIM_MAX_FDS)
		__atomic_store_n(&shim_fd_uio[fd], (uint16_t)(uio_index + 1), __ATOMIC_RELAXED);
}

/* The run dir's /dev/uioN a socket is connected to, or -1: mmap needs no table. */
static int
shim_dev_peer_index(int fd)
{
	const char *run = shim_run_dir();
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	char want[sizeof(sun.sun_path)];
	size_t n;
	int idx;

	if (run == NULL || getpeername(fd, (struct sockaddr *)&sun, &len) != 0 ||
	    sun.sun_family != AF_UNIX || len <= offsetof(struct sockaddr_un, sun_path))
		return -1;
	sun.sun_path[sizeof(sun.sun_path) - 1] = '\0';
	n = (size_t)snprintf(want, sizeof(want), "%s%s", run, UIO_PROTO_DEV_PREFIX);
	if (n >= sizeof(want) || strncmp(sun.sun_path, want, n) != 0)
		return -1;
	idx = atoi(sun.sun_path + n);
	return idx >= 0 ? idx : -1;
}

int
shim_dev_index(int fd)
{
	int idx = shim_fd_get(fd);

	return idx >= 0 ? idx : shim_dev_peer_index(fd);
}

void
shim_dev_fake_stat(void *stat_buf, int uio_index)
{
	struct stat64 *st = stat_buf;

	st->st_mode = S_IFCHR | 0600;
	st->st_rdev = makedev(SHIM_UIO_MAJOR, (unsigned int)uio_index);
	st->st_size = 0;
	st->st_blocks = 0;
}

/* hvsim sends the hello once the channel is open and its rings reset. */
static int
shim_dev_wait_hello(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uio_proto_count_t count;
	int ret;

	do
		ret = poll(&pfd, 1, UIO_PROTO_HELLO_MS);
	while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return -EIO;
	if (recv(fd, &count, sizeof(count), MSG_WAITALL) != (ssize_t)sizeof(count))
		return -ENODEV;
	return 0;
}

int
shim_dev_open(const char *run_path, int flags, int uio_index)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int type = SOCK_STREAM | ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0);
	int fd, ret;

	if (strlen(run_path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, run_path);
	shim_mem_send_iova_mode();
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		ret = errno == ECONNREFUSED ? -ENODEV : -errno;
		goto err_close;
	}
	ret = shim_dev_wait_hello(fd);
	if (ret < 0)
		goto err_close;
	if ((flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK) != 0) {
		ret = -errno;
		goto err_close;
	}
	shim_fd_set(fd, uio_index);
	return fd;

err_close:
	SHIM_NEXT(close)(fd);
	errno = -ret;
	return -1;
}

/* Counts coalesce: return the newest queued one, as the kernel returns its total. */
static ssize_t
shim_dev_read(int fd, void *buf, size_t n)
{
	uio_proto_count_t latest, next;
	ssize_t got;

	if (n != sizeof(latest)) {
		errno = EINVAL;
		return -1;
	}
	got = recv(fd, &latest, sizeof(latest), MSG_WAITALL);
	if (got < 0 && errno == ECONNRESET)
		got = 0;
	if (got < 0)
		return -1;	/* EAGAIN on O_NONBLOCK, EINTR */
	if (got != (ssize_t)sizeof(latest)) {
		errno = EIO;	/* hvsim closed it: device rescinded or gone */
		return -1;
	}
	while (recv(fd, &next, sizeof(next), MSG_DONTWAIT) == (ssize_t)sizeof(next))
		latest = next;
	memcpy(buf, &latest, sizeof(latest));
	return sizeof(latest);
}

static ssize_t
shim_dev_write(int fd, const void *buf, size_t n)
{
	uint32_t value;

	if (n != sizeof(uio_proto_count_t)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&value, buf, sizeof(value));
	if (shim_ctl_irqcontrol(shim_dev_index(fd), value) != 0) {
		errno = EIO;	/* device rescinded or hvsim gone */
		return -1;
	}
	return (ssize_t)n;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	if (shim_fd_get(fd) >= 0)
		return shim_dev_read(fd, buf, n);
	return SHIM_NEXT(read)(fd, buf, n);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buf_len)
{
	if (n > buf_len)
		abort();	/* fortify: the buffer is smaller than the read */
	return read(fd, buf, n);
}

/* uio's read ignores the file position, so pread is read. */
ssize_t
pread64(int fd, void *buf, size_t n, off64_t offset)
{
	if (shim_fd_get(fd) >= 0)
		return shim_dev_read(fd, buf, n);
	return SHIM_NEXT(pread64)(fd, buf, n, offset);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t offset)
{
	return pread64(fd, buf, n, offset);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	if (shim_fd_get(fd) >= 0)
		return shim_dev_write(fd, buf, n);
	return SHIM_NEXT(write)(fd, buf, n);
}

int
close(int fd)
{
	shim_fd_set(fd, -1);
	return SHIM_NEXT(close)(fd);
}

int
dup(int fd)
{
	int ret = SHIM_NEXT(dup)(fd);

	shim_fd_set(ret, shim_fd_get(fd));
	return ret;
}

int
dup2(int fd, int fd2)
{
	int ret = SHIM_NEXT(dup2)(fd, fd2);

	if (ret >= 0 && fd != fd2)
		shim_fd_set(ret, shim_fd_get(fd));
	return ret;
}

int
dup3(int fd, int fd2, int flags)
{
	int ret = SHIM_NEXT(dup3)(fd, fd2, flags);

	shim_fd_set(ret, shim_fd_get(fd));
	return ret;
}

int
fstat64(int fd, struct stat64 *buf)
{
	int ret = SHIM_NEXT(fstat64)(fd, buf);
	int idx = shim_fd_get(fd);

	if (ret == 0 && idx >= 0)
		shim_dev_fake_stat(buf, idx);
	return ret;
}

int
fstat(int fd, struct stat *buf)
{
	return fstat64(fd, (struct stat64 *)buf);
}

int
__fxstat(int ver, int fd, struct stat *buf)
{
	(void)ver;
	return fstat(fd, buf);
}

int
__fxstat64(int ver, int fd, struct stat64 *buf)
{
	(void)ver;
	return fstat64(fd, buf);
}

/* Map K of /dev/uioN is hvsim's backing file <run>/maps/uioN/mapK, from offset 0. */
static void *
shim_dev_mmap(void *addr, size_t len, int prot, int flags, int uio_index, off64_t offset)
{
	uint64_t map_idx = (uint64_t)offset / UIO_PROTO_MAP_PAGE;
	char path[PATH_MAX];
	struct stat64 st;
	void *va = MAP_FAILED;
	int fd;

	if (offset < 0 || offset % UIO_PROTO_MAP_PAGE != 0 || len == 0)
		goto einval;
	snprintf(path, sizeof(path), "%s/%s/uio%d/map%u", shim_run_dir(),
		 UIO_PROTO_MAPS_DIR, uio_index, (unsigned int)map_idx);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto einval;	/* no such map: the kernel says EINVAL */
	if (SHIM_NEXT(fstat64)(fd, &st) == 0 &&
	    len <= ((uint64_t)st.st_size + UIO_PROTO_MAP_PAGE - 1) / UIO_PROTO_MAP_PAGE *
			UIO_PROTO_MAP_PAGE)
		va = SHIM_NEXT(mmap64)(addr, len, prot, flags, fd, 0);
	else
		errno = EINVAL;
	/* Guest memory on Hyper-V too: a send may point into the rx buffer (zero-copy). */
	if (va != MAP_FAILED)
		shim_mem_mapped(va, len, flags, fd, 0, true);
	SHIM_NEXT(close)(fd);
	return va;

einval:
	errno = EINVAL;
	return MAP_FAILED;
}

void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t offset)
{
	int idx = fd >= 0 && shim_run_dir() != NULL ? shim_dev_index(fd) : -1;
	void *va;

	if (idx >= 0)
		return shim_dev_mmap(addr, len, prot, flags, idx, offset);
	if (flags & MAP_FIXED)
		shim_mem_unmapped(addr, len);
	va = SHIM_NEXT(mmap64)(addr, len, prot, flags, fd, offset);
	if (va != MAP_FAILED)
		shim_mem_mapped(va, len, flags, fd, offset, false);
	return va;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	return mmap64(addr, len, prot, flags, fd, offset);
}

int
munmap(void *addr, size_t len)
{
	shim_mem_unmapped(addr, len);
	return SHIM_NEXT(munmap)(addr, len);
}
