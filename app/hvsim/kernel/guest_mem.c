/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest memory as the host reads it: regions the preload registered (hvsim maps
 * each passed fd itself), found by guest virtual address in VA mode, or through
 * a physical-frame table built from the guest's /proc/<pid>/pagemap in PA mode.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "uio_proto.h"

#define GUEST_MEM_HUGETLBFS_MAGIC	0x958458f6
#define GUEST_MEM_SMALL_PAGE		4096u
#define GUEST_MEM_PFN_MASK		((1ull << 55) - 1)	/* pagemap bits 0-54 */
#define GUEST_MEM_PRESENT		(1ull << 63)
#define GUEST_MEM_REBUILD_NS		1000000ull	/* a miss burst rebuilds once */
#define GUEST_MEM_PAGEMAP_BATCH		4096u		/* entries per pread */

struct guest_region {
	uint64_t owner;			/* control connection that registered it */
	pid_t pid;
	uint64_t va, len;
	uint8_t *host;			/* hvsim's own mapping of the same pages */
	uint64_t page_bytes;		/* hugepage size, or 4 KiB */
};

/* PA mode: one entry per guest page whose frame the pagemap reported. */
struct guest_frame {
	uint64_t pa;
	uint64_t bytes;
	uint8_t *host;
};

static struct {
	struct guest_region *region;
	unsigned int nb_regions, cap_regions;
	unsigned int last_hit;
	struct guest_frame *frame;
	size_t nb_frames, cap_frames;
	pid_t frames_pid;
	bool frames_stale;
	uint64_t frames_built_ns;
	bool warned_no_pfn;
} gm;

static bool
range_fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;	/* never off + len: it wraps */
}

static void
guest_mem_drop(unsigned int i)
{
	munmap(gm.region[i].host, gm.region[i].len);
	gm.region[i] = gm.region[--gm.nb_regions];
	gm.frames_stale = true;
}

static uint64_t
guest_mem_page_bytes(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) == 0 && (uint32_t)sfs.f_type == GUEST_MEM_HUGETLBFS_MAGIC)
		return (uint64_t)sfs.f_bsize;
	return GUEST_MEM_SMALL_PAGE;
}

/* A new mapping of the guest at va replaces whatever this guest had there. */
int
guest_mem_map(uint64_t owner, pid_t pid, int fd, uint64_t va, uint64_t len, uint64_t offset)
{
	void *host;

	if (len == 0 || va + len < va)
		return -1;
	guest_mem_unmap(owner, va, len);
	if (gm.nb_regions == gm.cap_regions) {
		unsigned int cap = gm.cap_regions != 0 ? 2 * gm.cap_regions : 64;
		void *grown = realloc(gm.region, cap * sizeof(*gm.region));

		if (grown == NULL)
			return -1;
		gm.region = grown;
		gm.cap_regions = cap;
	}
	host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	if (host == MAP_FAILED) {
		perror("hvsim: mapping guest memory");
		return -1;
	}
	gm.region[gm.nb_regions++] = (struct guest_region){
		.owner = owner, .pid = pid, .va = va, .len = len, .host = host,
		.page_bytes = guest_mem_page_bytes(fd),
	};
	gm.frames_stale = true;
	return 0;
}

void
guest_mem_unmap(uint64_t owner, uint64_t va, uint64_t len)
{
	for (unsigned int i = 0; i < gm.nb_regions; ) {
		const struct guest_region *r = &gm.region[i];

		if (r->owner == owner && va < r->va + r->len && r->va < va + len)
			guest_mem_drop(i);
		else
			i++;
	}
}

void
guest_mem_forget(uint64_t owner)
{
	for (unsigned int i = 0; i < gm.nb_regions; ) {
		if (gm.region[i].owner == owner)
			guest_mem_drop(i);
		else
			i++;
	}
}

void
guest_mem_destroy(void)
{
	while (gm.nb_regions != 0)
		guest_mem_drop(0);
	free(gm.region);
	free(gm.frame);
	memset(&gm, 0, sizeof(gm));
}

static void *
guest_mem_by_va(pid_t pid, uint64_t va, uint32_t len)
{
	for (unsigned int n = 0; n < gm.nb_regions; n++) {
		unsigned int i = (gm.last_hit + n) % gm.nb_regions;
		const struct guest_region *r = &gm.region[i];

		if (r->pid != pid || va < r->va || !range_fits(va - r->va, len, r->len))
			continue;
		gm.last_hit = i;
		return r->host + (va - r->va);
	}
	return NULL;
}

static uint64_t
guest_mem_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
guest_mem_add_frame(uint64_t pa, uint64_t bytes, uint8_t *host)
{
	if (gm.nb_frames == gm.cap_frames) {
		size_t cap = gm.cap_frames != 0 ? 2 * gm.cap_frames : 1024;
		void *grown = realloc(gm.frame, cap * sizeof(*gm.frame));

		if (grown == NULL)
			return -1;
		gm.frame = grown;
		gm.cap_frames = cap;
	}
	gm.frame[gm.nb_frames++] = (struct guest_frame){ .pa = pa, .bytes = bytes, .host = host };
	return 0;
}

/* One frame per guest page: a hugepage's 4 KiB frames are contiguous, so its first says all. */
static void
guest_mem_scan_region(int pagemap, const struct guest_region *r)
{
	uint64_t entry[GUEST_MEM_PAGEMAP_BATCH];
	uint64_t first = r->va / GUEST_MEM_SMALL_PAGE;
	uint64_t nb = r->len / GUEST_MEM_SMALL_PAGE;
	uint64_t step = r->page_bytes / GUEST_MEM_SMALL_PAGE;

	for (uint64_t done = 0; done < nb; done += GUEST_MEM_PAGEMAP_BATCH) {
		uint64_t batch = nb - done < GUEST_MEM_PAGEMAP_BATCH ? nb - done
								      : GUEST_MEM_PAGEMAP_BATCH;
		ssize_t got = pread(pagemap, entry, batch * sizeof(entry[0]),
				    (off_t)((first + done) * sizeof(entry[0])));

		for (uint64_t k = 0; got > 0 && k < (uint64_t)got / sizeof(entry[0]); k++) {
			uint64_t page = done + k;

			if (page % step != 0 || !(entry[k] & GUEST_MEM_PRESENT) ||
			    (entry[k] & GUEST_MEM_PFN_MASK) == 0)
				continue;
			guest_mem_add_frame((entry[k] & GUEST_MEM_PFN_MASK) * GUEST_MEM_SMALL_PAGE,
					    r->page_bytes, r->host + page * GUEST_MEM_SMALL_PAGE);
		}
	}
}

static int
guest_mem_frame_cmp(const void *a, const void *b)
{
	const struct guest_frame *fa = a, *fb = b;

	return fa->pa < fb->pa ? -1 : fa->pa > fb->pa;
}

static void
guest_mem_build_frames(pid_t pid)
{
	char path[64];
	int pagemap;

	gm.nb_frames = 0;
	gm.frames_pid = pid;
	gm.frames_stale = false;
	gm.frames_built_ns = guest_mem_now_ns();
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	pagemap = open(path, O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		return;
	for (unsigned int i = 0; i < gm.nb_regions; i++)
		if (gm.region[i].pid == pid)
			guest_mem_scan_region(pagemap, &gm.region[i]);
	close(pagemap);
	qsort(gm.frame, gm.nb_frames, sizeof(gm.frame[0]), guest_mem_frame_cmp);
	if (gm.nb_frames == 0 && gm.nb_regions != 0 && !gm.warned_no_pfn) {
		gm.warned_no_pfn = true;
		fprintf(stderr, "hvsim: no page frames in /proc/%d/pagemap (PA mode needs root)\n",
			(int)pid);
	}
}

static void *
guest_mem_find_frame(uint64_t pa, uint32_t len)
{
	size_t lo = 0, hi = gm.nb_frames;

	while (lo < hi) {	/* first frame starting above pa */
		size_t mid = lo + (hi - lo) / 2;

		if (gm.frame[mid].pa <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || !range_fits(pa - gm.frame[lo - 1].pa, len, gm.frame[lo - 1].bytes))
		return NULL;
	return gm.frame[lo - 1].host + (pa - gm.frame[lo - 1].pa);
}

static void *
guest_mem_by_pa(pid_t pid, uint64_t pa, uint32_t len)
{
	void *host;

	if (gm.frames_stale || gm.frames_pid != pid)
		guest_mem_build_frames(pid);
	host = guest_mem_find_frame(pa, len);
	if (host != NULL || guest_mem_now_ns() - gm.frames_built_ns < GUEST_MEM_REBUILD_NS)
		return host;
	guest_mem_build_frames(pid);	/* pages the guest touched since the last build */
	return guest_mem_find_frame(pa, len);
}

void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	void *host;

	if (sim->iova_mode == UIO_PROTO_IOVA_PA)
		host = guest_mem_by_pa(sim->guest_pid, gpa, len);
	else
		host = guest_mem_by_va(sim->guest_pid, gpa, len);
	if (host == NULL)
		sim->guest_mem_misses++;
	return host;
}
