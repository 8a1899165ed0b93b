package dev.mondrian.functions.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One played runner's keep-alive HTTP/1.1 connection for its thinking callbacks, read and written on the runner's
 * own virtual thread. The JDK's HttpClient cost the harness about 0.3 of the two cores at 2 000 callbacks a second
 * (docs/BENCHMARKS.md, issue 23), CPU that the service under test then did not get; this costs a write and a read.
 * A connection that fails is dropped; the next request opens a new one.
 */
final class RunnerConnection implements AutoCloseable {
    private final InetSocketAddress address;
    private final String host;
    private final String authorization;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** @param base the service's base URL, http://host:port */
    RunnerConnection(String base, String token) {
        URI uri = URI.create(base);
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.host = uri.getHost() + ":" + uri.getPort();
        this.authorization = "Bearer " + token;
    }

    /** POSTs a JSON body and returns the response's status; the response's body is read and dropped. */
    int post(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(address, 30_000);
                in = new BufferedInputStream(socket.getInputStream(), 4096);
                out = socket.getOutputStream();
            }
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();
            return response();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The status line, the headers, then the body by its length or its chunks. */
    private int response() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(status.indexOf(' ') + 1, status.indexOf(' ') + 4));
        long length = 0;
        boolean chunked = false;
        boolean closing = false;
        for (String header; !(header = line()).isEmpty(); ) {
            String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim();
            String value = header.substring(header.indexOf(':') + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                closing = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                skip(size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else {
            skip(length);
        }
        if (closing) {
            close();
        }
        return code;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the service closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private void skip(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the service closed the connection");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
            socket = null;
        }
    }
}
