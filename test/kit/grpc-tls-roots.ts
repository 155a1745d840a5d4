// Imported FIRST by a test file: makes a throwaway CA the gRPC roots of this process (grpc-js reads
// GRPC_DEFAULT_SSL_ROOTS_FILE_PATH once, when it is loaded), so a source with `insecure` unset verifies the kit's
// TLS server as it would verify a server signed by a system CA.
import { makeTestCerts } from "./tls-certs.js";

export const grpcRootCerts = makeTestCerts();
process.env["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = grpcRootCerts.files.ca;
