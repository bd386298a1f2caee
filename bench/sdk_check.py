"""The official SDK's way, for ``bench_check``: ucloud-sdk-python3 asking for each batch of
100 SessionNos in turn (it has no concurrency of its own), then one ``json.dumps``. Run as a
process, as ``check`` is::

    python bench/sdk_check.py BASE_URL PUBLIC_KEY PRIVATE_KEY SESSIONS_FILE > out.json
"""

import json
import logging
import sys

from ucloud.client import Client


def main(base_url: str, public_key: str, private_key: str, sessions_file: str) -> None:
    with open(sessions_file, encoding="utf-8") as handle:
        session_nos = [line.strip() for line in handle if line.strip()]
    quiet = logging.getLogger("sdk-check")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    config = {"region": "cn-bj2", "public_key": public_key, "private_key": private_key, "base_url": base_url}
    usms = Client(config, logger=quiet).usms()
    data = []
    for start in range(0, len(session_nos), 100):
        data.extend(usms.get_usms_send_receipt({"SessionNoSet": session_nos[start : start + 100]})["Data"])
    print(json.dumps({"sessions": data}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:5])
