package org.pmsql.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server's TLS from its keystore (PKCS12 or JKS), for front-ends that are not Jetty's. */
public final class ServerTls {
  private ServerTls() {}

  public static SSLContext context(Path keystore, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
