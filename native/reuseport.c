// Creates a TCP listening socket with SO_REUSEPORT for Node 20, which has no `reusePort`
// option. The socket is close-on-exec so that no child (the tmux server, jobs) inherits it
// and keeps the port after the daemon exits. Node wraps the returned fd with listen({ fd }).
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
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

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  export_fn(env, exports, "bindReusePort", bind_reuse_port);
  export_fn(env, exports, "steerNewConnections", steer_new_connections);
  export_fn(env, exports, "acceptQueueLength", accept_queue_length);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
