/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive side scaling: the host's RSS capabilities (queue count, hash types
 * it grants), subchannels for queues 1..n (NVSP 133), and the RSS parameters
 * (Toeplitz key, indirection table of channel indexes of the host's size, hash types).
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"

/* The well-known Toeplitz sample key (spec/rndis.md 5.7), our default. */
static const uint8_t netvsc_default_key[NDIS_RSS_KEY_BYTES] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define RSS_SUBCHAN_WAIT_MS	5000u

/*
 * The table as big as the host's: OpenVMM's netvsp ignores the entries past
 * its size and repeats a shorter table, so an application's table does what
 * it says only at that size. 128 when the host reports none, or more than we
 * send (Linux does the same).
 */
static void
rss_table_size(struct netvsc_dev *dev, uint32_t host_entries)
{
	dev->reta_size = NDIS_RSS_TABLE_DEFAULT;
	if (host_entries != 0 && host_entries <= NDIS_RSS_TABLE_MAX)
		dev->reta_size = host_entries;
	else if (host_entries != 0)
		NETVSC_INIT_LOG(NOTICE, dev, "host's RSS table has %u entries, more than the %u we "
				"send: %u sent", host_entries, NDIS_RSS_TABLE_MAX,
				NDIS_RSS_TABLE_DEFAULT);
}

int
netvsc_rss_query_caps(struct netvsc_dev *dev)
{
	const struct ndis_rss_caps req = { .hdr = { .type = NDIS_OBJTYPE_RSS_CAPS,
						    .revision = NDIS_RSS_CAPS_REV2,
						    .size = NDIS_RSS_CAPS_SIZE_REV2 } };
	uint8_t info[sizeof(struct ndis_rss_caps)];
	struct netvsc_rss_caps_view caps;
	enum netvsc_ctl_verdict v = NETVSC_CTL_SHORT;
	uint32_t got = 0;
	int ret;

	dev->max_queues = 1;
	dev->reta_size = NDIS_RSS_TABLE_DEFAULT;
	if (dev->nvsp_version < NVSP_VERSION_5)
		return 0;		/* vRSS needs NVSP 5 */
	ret = netvsc_rndis_query(dev, RNDIS_OID_GEN_RSS_CAPABILITIES, &req,
				 NDIS_RSS_CAPS_SIZE_REV2, info, sizeof(info), &got);
	if (ret == 0)
		v = netvsc_ctl_parse_rss_caps(info, got, &caps);
	if (ret < 0 || v != NETVSC_CTL_OK) {
		NETVSC_INIT_LOG(NOTICE, dev, "no usable RSS capabilities (%d%s%s): one queue", ret,
				ret == 0 ? ", " : "", ret == 0 ? netvsc_ctl_verdict_str(v) : "");
		return 0;
	}
	dev->rss_caps = caps.caps;
	dev->max_queues = RTE_MIN(caps.nb_rx_queues, (uint32_t)NETVSC_MAX_QUEUES);
	if (caps.nb_table_entries != 0 && caps.nb_table_entries < dev->max_queues)
		dev->max_queues = caps.nb_table_entries;
	if (rte_vmbus_max_channels(dev->vmbus) < 2)
		dev->max_queues = 1;	/* kernel without subchannel support */
	rss_table_size(dev, caps.nb_table_entries);
	NETVSC_INIT_LOG(INFO, dev, "RSS: up to %u queues, table of %u entries, host caps %#x",
			dev->max_queues, dev->reta_size, dev->rss_caps);
	return 0;
}

/*
 * Ask the host for nb - 1 subchannels in all: the count is a total (OpenVMM's
 * netvsp reads it so), and the host offers those not offered yet.
 */
static int
rss_request_subchannels(struct netvsc_dev *dev, uint32_t nb)
{
	struct nvsp_subchannel_req req = {
		.msg_type = NVSP_MSG5_TYPE_SUBCHANNEL, .op = NVSP_SUBCHANNEL_OP_ALLOCATE,
		.nb_subchannels = nb - 1,
	};
	struct netvsc_nvsp_subchannel_reply reply;
	int ret;

	ret = netvsc_ctl_nvsp(dev, &req, sizeof(req), NVSP_MSG5_TYPE_SUBCHANNEL,
			      offsetof(struct nvsp_subchannel_complete, pad));
	if (ret < 0)
		return ret;
	if (netvsc_ctl_parse_subchannel_complete(dev->ctl.nvsp_reply, dev->ctl.nvsp_reply_bytes,
						 nb - 1, &reply) != NETVSC_CTL_OK) {
		NETVSC_INIT_LOG(ERR, dev, "subchannel request for %u: status %u, granted %u",
				nb - 1, reply.status, reply.nb_granted);
		return -EPROTO;
	}
	if (reply.nb_granted < nb - 1) {
		NETVSC_INIT_LOG(ERR, dev, "host granted %u subchannels of %u",
				reply.nb_granted, nb - 1);
		return -ENOSPC;
	}
	return 0;
}

/* One offered subchannel, opened as queue (its index) below nb_queues. */
static int
rss_open_subchannel(struct netvsc_dev *dev, uint32_t nb_queues)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * RSS_SUBCHAN_WAIT_MS / 1000;
	struct vmbus_channel *chan;
	uint16_t idx;
	int ret;

	do {
		ret = rte_vmbus_subchan_open(dev->primary, &chan);
		if (ret != -ENOENT)
			break;
		rte_delay_us_sleep(1000);	/* the kernel opens offered ones shortly */
	} while (rte_get_timer_cycles() < deadline);
	if (ret < 0) {
		NETVSC_INIT_LOG(ERR, dev, "subchannel did not appear: %d", ret);
		return ret;
	}
	idx = rte_vmbus_sub_channel_index(chan);
	if (idx == 0 || idx >= nb_queues || dev->chan[idx] != NULL) {
		NETVSC_INIT_LOG(ERR, dev, "host offered subchannel index %u twice or past the %u "
				"queues asked", idx, nb_queues);
		rte_vmbus_chan_close(chan);
		return -EPROTO;
	}
	dev->chan[idx] = chan;
	rte_vmbus_set_latency(dev->vmbus, chan, dev->latency_us * 1000);
	return 0;
}

int
netvsc_rss_setup_channels(struct netvsc_dev *dev, uint32_t nb_queues)
{
	int ret;

	if (nb_queues <= dev->nb_channels)
		return 0;		/* channels stay open across reconfiguration */
	if (nb_queues > dev->max_queues) {
		NETVSC_INIT_LOG(ERR, dev, "%u queues asked, the host allows %u", nb_queues,
				dev->max_queues);
		return -EINVAL;
	}
	ret = rss_request_subchannels(dev, nb_queues);
	while (ret == 0 && dev->nb_channels < nb_queues) {
		ret = rss_open_subchannel(dev, nb_queues);
		if (ret == 0)
			dev->nb_channels++;
	}
	return ret;
}

/*
 * RTE_ETH_RSS_* to NDIS hash information, only with what the host grants:
 * TCP and UDP 4-tuples by the host's caps; the address pair for the rest.
 */
static uint32_t
rss_hash_info(const struct netvsc_dev *dev, uint64_t rss_hf)
{
	uint32_t info = NDIS_HASH_FUNC_TOEPLITZ;

	if (rss_hf & (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER))
		info |= NDIS_HASH_IPV4;
	if ((rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP) && (dev->rss_caps & NDIS_RSS_CAP_TCP4))
		info |= NDIS_HASH_TCP_IPV4;
	if ((rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP) && (dev->rss_caps & NDIS_RSS_CAP_UDP4))
		info |= NDIS_HASH_UDP_IPV4;
	if (rss_hf & (RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER))
		info |= NDIS_HASH_IPV6;
	if ((rss_hf & RTE_ETH_RSS_NONFRAG_IPV6_TCP) && (dev->rss_caps & NDIS_RSS_CAP_TCP6))
		info |= NDIS_HASH_TCP_IPV6;
	if ((rss_hf & RTE_ETH_RSS_NONFRAG_IPV6_UDP) && (dev->rss_caps & NDIS_RSS_CAP_UDP6))
		info |= NDIS_HASH_UDP_IPV6;
	return info;
}

/*
 * What the host can hash. UDP 4-tuples only with its UDP caps (NDIS 6.80,
 * not Azure's); otherwise UDP is hashed on the address pair, which is what
 * RTE_ETH_RSS_IPV4/IPV6 say, so no UDP type is claimed.
 */
uint64_t
netvsc_rss_offloads(const struct netvsc_dev *dev)
{
	uint64_t hf = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6;

	if (dev->rss_caps & NDIS_RSS_CAP_TCP4)
		hf |= RTE_ETH_RSS_NONFRAG_IPV4_TCP;
	if (dev->rss_caps & NDIS_RSS_CAP_TCP6)
		hf |= RTE_ETH_RSS_NONFRAG_IPV6_TCP;
	if (dev->rss_caps & NDIS_RSS_CAP_UDP4)
		hf |= RTE_ETH_RSS_NONFRAG_IPV4_UDP;
	if (dev->rss_caps & NDIS_RSS_CAP_UDP6)
		hf |= RTE_ETH_RSS_NONFRAG_IPV6_UDP;
	return hf;
}

/*
 * Send s: the table right after the fixed part and the key right after the
 * table, as DPDK and Linux place them (OpenVMM reads the parameters from
 * just after the SET's fields, whatever its info offset says).
 */
static int
rss_send(struct netvsc_dev *dev, const struct netvsc_rss_state *s, bool enable)
{
	uint32_t table_bytes = dev->reta_size * (uint32_t)sizeof(uint32_t);
	uint32_t key_offset = (uint32_t)sizeof(struct ndis_rss_params) + table_bytes;
	uint8_t buf[sizeof(struct ndis_rss_params) + sizeof(s->reta) + NDIS_RSS_KEY_BYTES];
	const struct ndis_rss_params p = {
		.hdr = { .type = NDIS_OBJTYPE_RSS_PARAMS, .revision = 2,
			 .size = sizeof(struct ndis_rss_params) },
		.flags = enable ? 0 : NDIS_RSS_FLAG_DISABLE,
		.hash_info = enable ? s->hash_info : 0,
		.table_bytes = (uint16_t)table_bytes,
		.table_offset = sizeof(struct ndis_rss_params),
		.key_bytes = NDIS_RSS_KEY_BYTES,
		.key_offset = key_offset,
	};

	memcpy(buf, &p, sizeof(p));
	memcpy(buf + sizeof(p), s->reta, table_bytes);
	memcpy(buf + key_offset, s->key, NDIS_RSS_KEY_BYTES);
	return netvsc_rndis_set(dev, RNDIS_OID_GEN_RSS_PARAMETERS, buf,
				key_offset + NDIS_RSS_KEY_BYTES);
}

/* The host is asked to spread only over two queues or more, and only a host that can. */
static bool
rss_host_spreads(const struct netvsc_dev *dev, uint16_t nb_rxq)
{
	return nb_rxq >= 2 && dev->max_queues >= 2;
}

/* The device's state again, in a new session (MTU change), if the host spreads. */
int
netvsc_rss_restore(struct netvsc_dev *dev)
{
	return rss_host_spreads(dev, dev->nb_rxq) ? rss_send(dev, &dev->rss, dev->rss.hf != 0) : 0;
}

/*
 * cand becomes the device's state if the host takes it, or at once when the
 * host is not asked (fewer than two queues: sent when there are): what the
 * host refuses is not kept, so a query says what is in effect.
 */
static int
rss_commit(struct netvsc_dev *dev, const struct netvsc_rss_state *cand, bool ask)
{
	int ret = ask ? rss_send(dev, cand, cand->hf != 0) : 0;

	if (ret == 0)
		dev->rss = *cand;
	return ret;
}

/* A new table of dev->reta_size entries (rte_eth_dev_rss_reta_update). */
int
netvsc_rss_table_set(struct netvsc_dev *dev, const uint32_t table[NDIS_RSS_TABLE_MAX])
{
	struct netvsc_rss_state cand = dev->rss;

	memcpy(cand.reta, table, dev->reta_size * sizeof(cand.reta[0]));
	return rss_commit(dev, &cand, true);
}

/* conf's key and hash types into cand, its table left as it is. */
static int
rss_hash_commit(struct netvsc_dev *dev, const struct rte_eth_rss_conf *conf, uint16_t nb_rxq,
		struct netvsc_rss_state *cand)
{
	if (conf->rss_key != NULL && conf->rss_key_len != NDIS_RSS_KEY_BYTES) {
		NETVSC_DRV_LOG(ERR, dev, "RSS key of %u bytes; the host takes %u",
			       conf->rss_key_len, NDIS_RSS_KEY_BYTES);
		return -EINVAL;
	}
	if (!cand->key_set)
		memcpy(cand->key, netvsc_default_key, sizeof(cand->key));
	if (conf->rss_key != NULL) {
		memcpy(cand->key, conf->rss_key, NDIS_RSS_KEY_BYTES);
		cand->key_set = true;
	}
	cand->hf = conf->rss_hf & netvsc_rss_offloads(dev);
	cand->hash_info = rss_hash_info(dev, cand->hf);
	return rss_commit(dev, cand, rss_host_spreads(dev, nb_rxq));
}

/* Key and hash types (rte_eth_dev_rss_hash_update); the table stays. */
int
netvsc_rss_hash_set(struct netvsc_dev *dev, const struct rte_eth_rss_conf *conf, uint16_t nb_rxq)
{
	struct netvsc_rss_state cand = dev->rss;

	return rss_hash_commit(dev, conf, nb_rxq, &cand);
}

/* At configure: the table spread over the queues configured, then key and types. */
int
netvsc_rss_configure(struct netvsc_dev *dev, const struct rte_eth_rss_conf *conf,
		     uint16_t nb_rxq)
{
	struct netvsc_rss_state cand = dev->rss;

	int ret;

	for (uint32_t i = 0; i < dev->reta_size; i++)
		cand.reta[i] = i % RTE_MAX(nb_rxq, (uint16_t)1);
	ret = rss_hash_commit(dev, conf, nb_rxq, &cand);
	/* Down to one queue with subchannels still open: everything to the primary again. */
	if (ret == 0 && nb_rxq < 2 && dev->nb_channels > 1)
		ret = rss_send(dev, &dev->rss, false);
	return ret;
}
