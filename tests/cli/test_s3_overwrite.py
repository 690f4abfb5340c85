"""S3 overwrites of one key in an unversioned bucket: a small body replacing a small body is
written over it in place (docs/persistence.md, S3); every size transition serves the new body,
and the acknowledged overwrites survive kill -9 with no body file left behind for small ones."""

import hashlib
import os
import unittest

from orgtrail_harness import OrgtrailTestCase


class S3OverwriteTest(OrgtrailTestCase):

    def test_overwrites_serve_the_new_body_and_survive_kill_9(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="plain")
        small1, small2 = os.urandom(1024), os.urandom(700)
        edge, large = os.urandom(64 * 1024), os.urandom(300 * 1024)
        # small -> small (in place), small -> large, large -> small, small -> 64 KiB (in place)
        for body in (small1, small2, large, small1, edge, small2):
            put = s3.put_object(Bucket="plain", Key="k", Body=body)
            self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
            got = s3.get_object(Bucket="plain", Key="k")
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got["ETag"], put["ETag"])
        s3.put_object(Bucket="plain", Key="other", Body=small1)
        s3.put_object(Bucket="plain", Key="other", Body=b"same bytes")
        s3.put_object(Bucket="plain", Key="other", Body=b"same bytes")
        s3.put_object(Bucket="plain", Key="grown", Body=b"small first")
        s3.put_object(Bucket="plain", Key="grown", Body=large)
        self.server.restart(hard=True)
        s3 = self.client("s3")
        self.assertEqual(s3.get_object(Bucket="plain", Key="k")["Body"].read(), small2)
        self.assertEqual(s3.get_object(Bucket="plain", Key="other")["Body"].read(), b"same bytes")
        self.assertEqual(s3.get_object(Bucket="plain", Key="grown")["Body"].read(), large)
        self.assertEqual(s3.head_object(Bucket="plain", Key="k")["ContentLength"], 700)
        # Only the 300 KiB body of "grown" is a file; the replaced large body of "k" is gone.
        objects = os.path.join(self.server.data_dir, "objects")
        files = [f for d, _, fs in os.walk(objects) if not d.endswith("tmp") for f in fs]
        self.assertEqual(len(files), 1, files)
        s3.delete_object(Bucket="plain", Key="grown")
        files = [f for d, _, fs in os.walk(objects) if not d.endswith("tmp") for f in fs]
        self.assertEqual(files, [])


if __name__ == "__main__":
    unittest.main()
