package dev.ledger.api.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class WebConfig implements WebMvcConfigurer {
  private final ScopeInterceptor scopeInterceptor;
  private final dev.ledger.api.config.LedgerProperties properties;

  public WebConfig(
      ScopeInterceptor scopeInterceptor, dev.ledger.api.config.LedgerProperties properties) {
    this.scopeInterceptor = scopeInterceptor;
    this.properties = properties;
  }

  /**
   * Streamed answers (the audit export) run asynchronously; without this they would be cut off
   * after the servlet container's default of 30 seconds.
   */
  @Override
  public void configureAsyncSupport(
      org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer configurer) {
    configurer.setDefaultTimeout(properties.audit().exportTimeout().toMillis());
  }

  /**
   * The scheduler of {@code @Scheduled} tasks (webhook inbox, idempotency purge). Declared so that
   * Spring does not borrow another executor of the application (such as the command retry executor)
   * for them.
   */
  @org.springframework.context.annotation.Bean
  org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler taskScheduler() {
    var scheduler = new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
    scheduler.setPoolSize(2);
    scheduler.setThreadNamePrefix("scheduled-");
    scheduler.setWaitForTasksToCompleteOnShutdown(true);
    scheduler.setAwaitTerminationSeconds(10);
    return scheduler;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(scopeInterceptor).addPathPatterns("/v1/**");
  }
}
