package com.example.trader;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A Spring Boot trading component configured by gitconf: {@code application.yaml} imports the
 * environment ({@code spring.config.import=gitconf:}), {@link RiskLimits} binds a part of it, and
 * {@link RiskWatcher} reacts when a commit changes it.
 *
 * <p>Usage: {@code java -jar target/spring-boot-trader.jar --gitconf.postgres.url=JDBC_URL}, e.g.
 * with the URL that {@code gitconf up} prints. Set {@code GITCONF_MASTER_KEY} to read secrets.
 */
@SpringBootApplication
@EnableConfigurationProperties(RiskLimits.class)
public class SpringTraderApp {
  public static void main(String[] args) {
    SpringApplication.run(SpringTraderApp.class, args);
  }
}
