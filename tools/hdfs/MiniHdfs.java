import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A single-node HDFS for Impulse's hdfs EventSource suite: one NameNode and one DataNode in this JVM, every address on
 * 127.0.0.1, WebHDFS on. Arguments: base dir, NameNode RPC port, NameNode HTTP port (free ports chosen by the caller;
 * the DataNode's are picked by the kernel). Prints "READY nnRpc=... nnHttp=..." once writable, then runs until killed.
 */
public class MiniHdfs {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    int rpcPort = Integer.parseInt(args[1]);
    int httpPort = Integer.parseInt(args[2]);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base).getAbsolutePath());
    conf.setBoolean("dfs.webhdfs.enabled", true);
    // Tests write as several user.name values into one tree; permission checks are not what they test.
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:" + rpcPort);
    conf.set("dfs.namenode.http-address", "127.0.0.1:" + httpPort);
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    // WebHDFS redirects writes to the DataNode by this name: loopback, never the machine's hostname.
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.set("hadoop.http.staticuser.user", System.getProperty("user.name"));
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
        .numDataNodes(1)
        .nameNodePort(rpcPort)
        .nameNodeHttpPort(httpPort)
        .checkDataNodeAddrConfig(true)
        .format(true)
        .build();
    cluster.waitActive();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown));
    System.out.println("READY nnRpc=" + cluster.getNameNodePort() + " nnHttp=" + cluster.getNameNode().getHttpAddress().getPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
