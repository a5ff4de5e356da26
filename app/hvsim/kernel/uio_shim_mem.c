/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libhvsim_uio.so: tells hvsim, over <run>/hvsim.sock, where the guest's
 * shareable memory is (hugetlbfs files and memfds, passed by SCM_RIGHTS) and
 * which IOVA mode DPDK chose, so the host can follow guest-physical addresses.
 */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "uio_proto.h"
#include "uio_shim.h"

#define SHIM_HUGETLBFS_MAGIC	0x958458f6
#define SHIM_MAX_REGIONS	8192	/* e.g. 16 GiB of separately mapped 2 MiB pages */
#define SHIM_ACK_MS		5000

struct shim_region {
	uintptr_t va;
	size_t len;
};

/* Regions hvsim holds, so an unmap of one (and only of one) is reported. */
static struct shim_region shim_regions[SHIM_MAX_REGIONS];
static unsigned int shim_nb_regions;
static pthread_mutex_t shim_mem_lock = PTHREAD_MUTEX_INITIALIZER;
static int shim_ctl_fd = -1;
static pid_t shim_ctl_pid;		/* a fork()ed child must not talk on its parent's */

static bool
shim_mem_is_guest_file(int fd)
{
	struct statfs sfs;
	char link[32], target[16];
	ssize_t n;

	if (fstatfs(fd, &sfs) == 0 && (uint32_t)sfs.f_type == SHIM_HUGETLBFS_MAGIC)
		return true;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target));
	return n >= 7 && memcmp(target, "/memfd:", 7) == 0;
}

static int
shim_ctl_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	pid_t pid = getpid();

	if (shim_ctl_fd >= 0 && shim_ctl_pid == pid)
		return 0;
	if (shim_ctl_fd >= 0)
		close(shim_ctl_fd);	/* inherited: the parent keeps its own copy */
	shim_ctl_fd = -1;
	shim_nb_regions = 0;		/* hvsim knows nothing of this process yet */
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", shim_run_dir(),
			     UIO_PROTO_CTL_SOCK) >= sizeof(sun.sun_path))
		return -1;
	shim_ctl_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (shim_ctl_fd < 0)
		return -1;
	if (connect(shim_ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(shim_ctl_fd);
		shim_ctl_fd = -1;
		return -1;
	}
	shim_ctl_pid = pid;
	return 0;
}

static int
shim_ctl_send(const struct uio_proto_ctl_msg *msg, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)(uintptr_t)msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(shim_ctl_fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(*msg) ? 0 : -1;
}

/* One request, one status byte: the registration is complete when this returns. */
static int
shim_ctl_request(const struct uio_proto_ctl_msg *msg, int fd)
{
	struct pollfd pfd;
	uint8_t status;

	if (shim_ctl_connect() != 0)
		return -1;
	pfd = (struct pollfd){ .fd = shim_ctl_fd, .events = POLLIN };
	if (shim_ctl_send(msg, fd) == 0 && poll(&pfd, 1, SHIM_ACK_MS) == 1 &&
	    recv(shim_ctl_fd, &status, 1, 0) == 1)
		return status == 0 ? 0 : -1;
	close(shim_ctl_fd);		/* hvsim gone or confused: start over next time */
	shim_ctl_fd = -1;
	return -1;
}

int
shim_ctl_irqcontrol(int uio_index, uint32_t value)
{
	struct uio_proto_ctl_msg msg = {
		.type = UIO_PROTO_CTL_IRQCONTROL, .offset = (uint64_t)uio_index, .len = value,
	};

	return shim_ctl_request(&msg, -1);
}

void
shim_mem_mapped(void *va, size_t len, int flags, int fd, off_t offset, bool uio_map)
{
	struct uio_proto_ctl_msg msg = {
		.type = UIO_PROTO_CTL_MEM_MAP,
		.va = (uintptr_t)va, .len = len, .offset = (uint64_t)offset,
	};
	int saved_errno = errno;

	if (fd < 0 || !(flags & MAP_SHARED) || shim_run_dir() == NULL ||
	    (!uio_map && !shim_mem_is_guest_file(fd)))
		goto out;
	pthread_mutex_lock(&shim_mem_lock);
	if (shim_ctl_request(&msg, fd) == 0 && shim_nb_regions < SHIM_MAX_REGIONS)
		shim_regions[shim_nb_regions++] = (struct shim_region){ (uintptr_t)va, len };
	pthread_mutex_unlock(&shim_mem_lock);
out:
	errno = saved_errno;
}

static bool
shim_overlaps(const struct shim_region *r, uintptr_t va, size_t len)
{
	return va < r->va + r->len && r->va < va + len;
}

void
shim_mem_unmapped(void *va, size_t len)
{
	struct uio_proto_ctl_msg msg = { .type = UIO_PROTO_CTL_MEM_UNMAP };
	int saved_errno = errno;

	if (__atomic_load_n(&shim_nb_regions, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&shim_mem_lock);
	if (shim_ctl_pid != getpid())
		shim_nb_regions = 0;	/* the parent's, inherited by fork */
	for (unsigned int i = 0; i < shim_nb_regions; ) {
		if (!shim_overlaps(&shim_regions[i], (uintptr_t)va, len)) {
			i++;
			continue;
		}
		msg.va = shim_regions[i].va;
		msg.len = shim_regions[i].len;
		shim_regions[i] = shim_regions[--shim_nb_regions];
		shim_ctl_request(&msg, -1);	/* may reconnect, which empties the table */
	}
	pthread_mutex_unlock(&shim_mem_lock);
	errno = saved_errno;
}

/* DPDK has chosen its IOVA mode by the time it opens a uio device. */
void
shim_mem_send_iova_mode(void)
{
	struct uio_proto_ctl_msg msg = { .type = UIO_PROTO_CTL_IOVA_MODE };
	int (*iova_mode)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "rte_eal_iova_mode");
	int saved_errno = errno;

	msg.iova_mode = iova_mode != NULL ? (uint32_t)iova_mode() : UIO_PROTO_IOVA_UNKNOWN;
	pthread_mutex_lock(&shim_mem_lock);
	shim_ctl_request(&msg, -1);
	pthread_mutex_unlock(&shim_mem_lock);
	errno = saved_errno;
}
