/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Minimal harness for unit tests: EXPECT_* record a failure and go on,
 * TEST_MAIN runs the listed cases and exits 1 if any expectation failed.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static const char *test_current;

#define EXPECT_TRUE(c) do { \
	if (!(c)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: expected true: %s\n", \
			__FILE__, __LINE__, test_current, #c); \
	} \
} while (0)

#define EXPECT_FALSE(c) EXPECT_TRUE(!(c))

#define EXPECT_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, test_current, #a, _a, #b, _b); \
	} \
} while (0)

#define EXPECT_MEM_EQ(a, b, n) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: memory differs: %s vs %s\n", \
			__FILE__, __LINE__, test_current, #a, #b); \
	} \
} while (0)

#define RUN_TEST(fn) do { \
	int _before = test_failures; \
	test_current = #fn; \
	fn(); \
	printf("  %-60s %s\n", #fn, test_failures == _before ? "ok" : "FAILED"); \
} while (0)

#define TEST_EXIT() do { \
	printf("%s\n", test_failures ? "FAILED" : "all passed"); \
	return test_failures ? 1 : 0; \
} while (0)

#endif /* TEST_HARNESS_H */
