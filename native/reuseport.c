// Creates a TCP listening socket with SO_REUSEPORT for Node 20, which has no `reusePort`
// option. The socket is close-on-exec so that no child (the tmux server, jobs) inherits it
// and keeps the port after the daemon exits. Node wraps the returned fd with listen({ fd }).
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errno_code(int err) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    default: return "ESOCKET";
  }
}

static napi_value fail(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_code(err), msg);
  return NULL;
}

// bindReusePort(host: string, port: number, backlog: number): number (the fd)
static napi_value bind_reuse_port(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "bindReusePort(host, port, backlog)");
    return NULL;
  }
  char host[64];
  size_t host_len = 0;
  int32_t port = 0, backlog = 0;
  if (napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_int32(env, argv[2], &backlog) != napi_ok || port < 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "bindReusePort: expected (string, port 0-65535, number)");
    return NULL;
  }
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    napi_throw_type_error(env, NULL, "bindReusePort: host must be an IPv4 address");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail(env, "socket", errno);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "setsockopt", err);
  }
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "bind", err);
  }
  if (listen(fd, backlog) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "listen", err);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static int fd_arg(napi_env env, napi_callback_info info, int32_t *fd, int32_t *extra) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], fd) != napi_ok) return -1;
  if (extra && (argc < 2 || napi_get_value_int32(env, argv[1], extra) != napi_ok)) return -1;
  return 0;
}

// steerNewConnections(fd, index): from now on the kernel gives every new connection of the
// port's SO_REUSEPORT group to the socket at `index` (in the order the sockets joined). A
// daemon handing over steers new connections to its successor, so that its own accept queue
// can drain before it closes (closing a listener resets what is queued on it).
static napi_value steer_new_connections(napi_env env, napi_callback_info info) {
  int32_t fd, index;
  if (fd_arg(env, info, &fd, &index) < 0) {
    napi_throw_type_error(env, NULL, "steerNewConnections(fd, index)");
    return NULL;
  }
  struct sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, (uint32_t)index}};
  struct sock_fprog prog = {1, code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog) < 0) return fail(env, "setsockopt(SO_ATTACH_REUSEPORT_CBPF)", errno);
  return NULL;
}

// acceptQueueLength(fd): connections waiting in a listening socket's accept queue.
static napi_value accept_queue_length(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (fd_arg(env, info, &fd, NULL) < 0) {
    napi_throw_type_error(env, NULL, "acceptQueueLength(fd)");
    return NULL;
  }
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) return fail(env, "getsockopt(TCP_INFO)", errno);
  napi_value result;
  // For a listening socket the kernel reports its accept-queue length in tcpi_unacked.
  napi_create_uint32(env, ti.tcpi_unacked, &result);
  return result;
}

// One inet_diag exact lookup (NETLINK_SOCK_DIAG, no dump): the kernel finds the TCP socket
// whose local end is src and remote end is dst, by hash, however many sockets the machine
// has. Fills *uid and returns 1 when found (not in TIME_WAIT, which has no owner), 0 when the
// kernel has no such socket, -errno when the query itself failed (the caller falls back).
static int diag_lookup(int family, const struct in6_addr *src, uint16_t sport,
                       const struct in6_addr *dst, uint16_t dport, uint32_t *uid) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;
  memset(&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST; // no NLM_F_DUMP: an exact match on the 4-tuple
  msg.req.sdiag_family = (uint8_t)family;
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = ~0U;
  msg.req.id.idiag_sport = htons(sport);
  msg.req.id.idiag_dport = htons(dport);
  memcpy(msg.req.id.idiag_src, src, family == AF_INET ? 4 : 16);
  memcpy(msg.req.id.idiag_dst, dst, family == AF_INET ? 4 : 16);
  msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  long buf[1024];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  int err = errno;
  close(fd);
  if (n < 0) return -err;
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  if (!NLMSG_OK(h, (size_t)n)) return -EIO;
  if (h->nlmsg_type == NLMSG_ERROR) {
    struct nlmsgerr *e = NLMSG_DATA(h);
    // ENOENT: no such socket. Anything else: the query is not supported here.
    return e->error == -ENOENT ? 0 : (e->error ? e->error : -EIO);
  }
  if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return -EIO;
  struct inet_diag_msg *m = NLMSG_DATA(h);
  if (m->idiag_state == 6 /* TCP_TIME_WAIT */) return 0;
  *uid = m->idiag_uid;
  return 1;
}

// socketUid(localIp, localPort, remoteIp, remotePort): the UID owning the TCP socket with
// that local and remote end (IPv4, or IPv6 / IPv4-mapped), null when the kernel has none;
// throws when the kernel cannot answer such a query (the caller then reads /proc/net/tcp).
static napi_value socket_uid(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char src_ip[64], dst_ip[64];
  size_t len;
  int32_t sport, dport;
  if (argc < 4 || napi_get_value_string_utf8(env, argv[0], src_ip, sizeof src_ip, &len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &sport) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], dst_ip, sizeof dst_ip, &len) != napi_ok ||
      napi_get_value_int32(env, argv[3], &dport) != napi_ok || sport < 0 || sport > 65535 || dport < 0 || dport > 65535) {
    napi_throw_type_error(env, NULL, "socketUid(localIp, localPort, remoteIp, remotePort)");
    return NULL;
  }
  struct in6_addr src, dst;
  memset(&src, 0, sizeof src);
  memset(&dst, 0, sizeof dst);
  int family;
  if (inet_pton(AF_INET, src_ip, &src) == 1 && inet_pton(AF_INET, dst_ip, &dst) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, src_ip, &src) == 1 && inet_pton(AF_INET6, dst_ip, &dst) == 1) {
    family = AF_INET6;
  } else {
    napi_throw_type_error(env, NULL, "socketUid: addresses must be both IPv4 or both IPv6");
    return NULL;
  }
  uint32_t uid = 0;
  int r = diag_lookup(family, &src, (uint16_t)sport, &dst, (uint16_t)dport, &uid);
  // An IPv4-mapped pair (::ffff:127.0.0.1) may belong to an AF_INET socket: ask for that too.
  if (r == 0 && family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&src) && IN6_IS_ADDR_V4MAPPED(&dst)) {
    struct in6_addr s4, d4;
    memset(&s4, 0, sizeof s4);
    memset(&d4, 0, sizeof d4);
    memcpy(&s4, &src.s6_addr[12], 4);
    memcpy(&d4, &dst.s6_addr[12], 4);
    r = diag_lookup(AF_INET, &s4, (uint16_t)sport, &d4, (uint16_t)dport, &uid);
  }
  if (r < 0) return fail(env, "sock_diag", -r);
  napi_value result;
  if (r == 0) napi_get_null(env, &result);
  else napi_create_uint32(env, uid, &result);
  return result;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  export_fn(env, exports, "bindReusePort", bind_reuse_port);
  export_fn(env, exports, "steerNewConnections", steer_new_connections);
  export_fn(env, exports, "acceptQueueLength", accept_queue_length);
  export_fn(env, exports, "socketUid", socket_uid);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
