"""Runs a command as the prometheus-community `prometheus-cloudwatch-exporter` Helm chart's pod would, and probes it
as the kubelet would; run inside a network namespace of its own (`unshare --net`), like a pod's.

The network namespace makes port 9106 free whatever runs on this machine, so the image's CMD runs unchanged. AWS is
a black hole on loopback: it accepts connections and never answers, so the first scrape, started here, is still
waiting on AWS while the probes are sent. Prints one JSON object with what was seen; the image test asserts on it.

Usage (as root): unshare --net python3 chart_pod.py --port 9106 --probe-timeout 5 -- COMMAND...
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def get(url, timeout, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--probe-timeout", type=float, required=True)
    parser.add_argument("--probes", type=int, default=3)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    # A new network namespace has its loopback down.
    subprocess.run([shutil.which("ip") or "/usr/sbin/ip", "link", "set", "lo", "up"], check=True)
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen(128)  # the kernel completes handshakes; nothing ever reads or answers
    endpoint = f"http://127.0.0.1:{black_hole.getsockname()[1]}"

    # What the caller passed (the image's Env and the pod's), less this machine's PATH, plus the black hole.
    env = {key: value for key, value in os.environ.items() if key != "PATH"}
    env["AWS_ENDPOINT_URL"] = endpoint
    # Resolved with this process's PATH: the command's environment has none (a pod's has only the image's).
    command = [shutil.which(command[0]) or command[0], *command[1:]]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{args.port}"
    result = {"probes": [], "scrape_pending_after_probes": None, "exit_code": None, "log": ""}
    scrape = {}
    try:
        # The kubelet waits initialDelaySeconds (30 s in the chart) before the first probe; here, until the port
        # answers at all (bounded).
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/-/healthy", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        # The first scrape, as Prometheus sends it (with its timeout): it waits on the black hole.
        def first_scrape():
            try:
                scrape["status"] = get(base + "/metrics", timeout=120,
                                       headers={"X-Prometheus-Scrape-Timeout-Seconds": "60"})[0]
            except OSError as error:
                scrape["error"] = str(error)

        thread = threading.Thread(target=first_scrape, daemon=True)
        thread.start()
        time.sleep(1)
        for _ in range(args.probes):
            for path in ("/-/healthy", "/-/ready"):
                started = time.monotonic()
                try:
                    status, body = get(base + path, timeout=args.probe_timeout)
                except OSError as error:
                    status, body = None, str(error)
                result["probes"].append({"path": path, "status": status, "body": body,
                                         "seconds": round(time.monotonic() - started, 3)})
            time.sleep(0.5)
        result["scrape_pending_after_probes"] = thread.is_alive()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            result["log"] = process.communicate(timeout=30)[0][-4000:]
        except subprocess.TimeoutExpired:
            process.kill()
            result["log"] = process.communicate()[0][-4000:]
        result["exit_code"] = process.returncode
        black_hole.close()
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
