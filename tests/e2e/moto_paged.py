#!/usr/bin/env python3
"""moto_server whose DescribeLoadBalancers (ELB and ELBv2) pages hold at most MOTO_LB_PAGE_CAP load balancers.

The exporter asks for pages of 400 (the API maximum) and moto honours PageSize, so a seeded fleet of a few dozen
load balancers would fit in one page and a check of "every load balancer is labelled" could not see whether the
exporter follows NextMarker. AWS may answer fewer results than PageSize with a NextMarker; with the cap, the same
fleet spans several pages.

Usage: MOTO_LB_PAGE_CAP=20 python3 tests/e2e/moto_paged.py -H 127.0.0.1 -p PORT   (arguments as moto_server's)
"""

import os
import sys

from moto.core.responses import BaseResponse
from moto.elb.responses import ELBResponse
from moto.elbv2.responses import ELBV2Response
from moto.server import main

CAP = int(os.environ.get("MOTO_LB_PAGE_CAP", "20"))
if CAP < 1:
    sys.exit("MOTO_LB_PAGE_CAP must be at least 1")
_original = BaseResponse._get_int_param


def _capped(self, param_name, if_none=None):
    value = _original(self, param_name, if_none)
    if param_name == "PageSize" and isinstance(self, (ELBResponse, ELBV2Response)) and value is not None:
        return min(value, CAP)
    return value


BaseResponse._get_int_param = _capped

if __name__ == "__main__":
    main(sys.argv[1:])
